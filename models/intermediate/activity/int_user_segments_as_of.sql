{{ config(materialized='ephemeral') }}

{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set wau_days = activity_metrics.checked_var('activity__wau_days') -%}
{%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
{%- set as_of = activity_metrics.date_literal(as_of_date) -%}

{#-
    The segment half of fct_user_segments_current: DAU, WAU and MAU as of
    the as-of date by activity category, by source and by account type (and
    all active users), from the user-days of the MAU window. A user counts
    in every segment they were active in, so segments of one dimension can
    add up to more than the total.
-#}

with

window_user_days as (

    select
        user_id,
        activity_date,
        {% for category in activity_metrics.activity_categories() -%}
            {{ category }}_count
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of }}
        and activity_date > {{ activity_metrics.add_days(as_of, -mau_days) }}

),

window_source_days as (

    -- from the fact's per-source counts: never the raw rows
    {% for activity_source in activity_metrics.activity_sources() -%}
        select
            user_id,
            activity_date,
            '{{ activity_source.source_name }}' as source_name
        from {{ ref('fct_user_days') }}
        where activity_date <= {{ as_of }}
            and activity_date > {{ activity_metrics.add_days(as_of, -mau_days) }}
            and {{ activity_source.source_name }}_count > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

business_users as (

    select distinct user_id
    from {{ ref('stg_app__accounts') }}
    where account_type = 'business'
        and {{ activity_metrics.utc_to_local_date('created_at') }} <= {{ as_of }}

),

segment_user_days as (

    select
        'all' as dimension,
        'all active users' as segment,
        user_id,
        activity_date
    from window_user_days
    {% for category in activity_metrics.activity_categories() %}
        union all
        select
            'category' as dimension,
            '{{ category }}' as segment,
            user_id,
            activity_date
        from window_user_days
        where {{ category }}_count > 0
    {% endfor %}
    union all
    select
        'source' as dimension,
        source_name as segment,
        user_id,
        activity_date
    from window_source_days
    union all
    select
        'account_type' as dimension,
        case
            when business_users.user_id is not null then 'business'
            else 'personal only'
        end as segment,
        window_user_days.user_id,
        window_user_days.activity_date
    from window_user_days
    left join business_users
        on window_user_days.user_id = business_users.user_id

),

segment_users as (

    select
        dimension,
        segment,
        user_id,
        {{ dbt.datediff('max(activity_date)', as_of, 'day') }}
            as days_since_active
    from segment_user_days
    group by
        dimension,
        segment,
        user_id

),

final as (

    select
        dimension,
        segment,
        sum(case when days_since_active = 0 then 1 else 0 end) as dau,
        sum(case when days_since_active < {{ wau_days }} then 1 else 0 end) as wau,
        count(*) as mau,
        cast(null as {{ dbt.type_bigint() }}) as user_count
    from segment_users
    group by
        dimension,
        segment

)

select * from final
