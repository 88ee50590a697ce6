{%- set activity_sources = activity_metrics.activity_sources() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rewritten_user_days() }}",
        partition_by=activity_metrics.month_partition_by(),
        on_schema_change='fail',
        indexes=[
            {'columns': ['activity_date']},
            {'columns': ['user_id']},
            {'columns': ['dbt_loaded_at']},
        ],
    )
}}

-- depends_on: {{ ref('int_activity_events_classified') }}
-- depends_on: {{ ref('int_run_touched_user_days') }}
-- depends_on: {{ ref('int_run_state') }}

{#
    One row per user and day with counted activity. A nightly run rewrites
    exactly the user-days that changed (user_day_fact_rewrite_filters, SQL
    on the run's scope): the days after the previous run's as-of date, and
    the user-days touched by the activity events written since the previous
    run (int_run_touched_user_days), whatever their age (a row three
    weeks late lands on its day tonight; a user flagged test loses every
    day). The per-source and per-method counts let the monitors work from
    this table instead of the raw rows.
-#}

with

counted_events as (

    {%- set filters = activity_metrics.user_day_fact_rewrite_filters()
        if is_incremental() else ['1 = 1'] %}
    {% for filter in filters %}
        select
            user_id,
            activity_date,
            occurred_at,
            source_name,
            activity_category,
            source_row_id
        from {{ ref('int_activity_events_counted') }}
        where {{ filter }}
        {% if not loop.last %}union{% endif %}
    {%- endfor %}

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
        {% for activity_source in activity_sources -%}
            sum(
                case
                    when source_name = '{{ activity_source.source_name }}' then 1
                    else 0
                end
            ) as {{ activity_source.source_name }}_count,
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
        cast(activity_count as {{ dbt.type_bigint() }}) as activity_count,
        {% for category in activity_metrics.activity_categories() -%}
            cast({{ category }}_count as {{ dbt.type_bigint() }})
                as {{ category }}_count,
        {% endfor -%}
        {% for method in activity_metrics.activity_methods() -%}
            {%- set method_sources = activity_sources
                | selectattr('method', 'equalto', method)
                | map(attribute='source_name') | list -%}
            cast(
                {%- for source_name in method_sources %}
                    {% if not loop.first %}+ {% endif %}{{ source_name }}_count
                {%- endfor %}
                as {{ dbt.type_bigint() }}
            ) as {{ method }}_count,
        {% endfor -%}
        {% for activity_source in activity_sources -%}
            cast({{ activity_source.source_name }}_count as {{ dbt.type_bigint() }})
                as {{ activity_source.source_name }}_count,
        {% endfor -%}
        first_activity_at,
        last_activity_at,
        last_activity_source,
        {{ activity_metrics.date_literal(activity_metrics.as_of_date()) }}
            as built_as_of,
        (
            select max(activity_events.dbt_loaded_at)
            from {{ ref('int_activity_events_classified') }} as activity_events
        ) as events_loaded_through,
        {{ activity_metrics.run_stamp() }} as dbt_loaded_at
    from user_days_aggregated

)

-- on Spark, with the month partition key (activity_month)
select *{{ activity_metrics.month_partition_column('activity_date') }}
from final
