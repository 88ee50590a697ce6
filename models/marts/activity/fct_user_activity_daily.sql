{%- set rebuild_range = activity_metrics.user_day_rebuild_range() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_date_range(
            'activity_date', activity_metrics.user_day_rebuild_range()) }}",
        on_schema_change='fail',
    )
}}

with

counted_events as (

    select
        user_id,
        activity_date,
        occurred_at,
        source_name,
        activity_category
    from {{ ref('int_activity_events_unioned') }}
    where activity_date
        <= {{ activity_metrics.date_literal(rebuild_range.end) }}
    {%- if rebuild_range.start is not none %}
        and activity_date
        >= {{ activity_metrics.date_literal(rebuild_range.start) }}
    {%- endif %}

),

events_ranked_within_day as (

    select
        user_id,
        activity_date,
        occurred_at,
        source_name,
        activity_category,
        row_number() over (
            partition by user_id, activity_date
            order by occurred_at desc, source_name asc
        ) as recency_rank
    from counted_events

),

user_days_aggregated as (

    select
        user_id,
        activity_date,
        count(*) as activity_count,
        {% for category in activity_metrics.activity_categories() -%}
            sum(case when activity_category = '{{ category }}' then 1 else 0 end)
                as {{ category }}_count,
        {% endfor -%}
        min(occurred_at) as first_activity_at,
        max(occurred_at) as last_activity_at,
        max(case when recency_rank = 1 then source_name end)
            as last_activity_source
    from events_ranked_within_day
    group by
        user_id,
        activity_date

),

final as (

    select
        user_id,
        activity_date,
        activity_count,
        {% for category in activity_metrics.activity_categories() -%}
            {{ category }}_count,
        {% endfor -%}
        first_activity_at,
        last_activity_at,
        last_activity_source,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}'
            as {{ dbt.type_timestamp() }}
        ) as dbt_loaded_at
    from user_days_aggregated

)

select * from final
