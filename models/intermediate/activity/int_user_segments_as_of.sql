{{ config(materialized='ephemeral') }}

{%- set as_of = activity_metrics.date_literal(activity_metrics.as_of_date()) -%}

{#-
    The segment half of fct_user_segments_current: DAU, WAU and MAU as of
    the as-of date by activity category, by source and by account type (and
    all active users), read from the published breakdown
    (fct_active_users_by_segment_daily, the one sweep) on that day, so the
    detailed breakdown and `series --by` never disagree: one definition of
    which segments a user-day belongs to (int_user_day_segments). A user
    counts in every segment they were active in within the window, so
    segments of one dimension can add up to more than the total. Only the
    values with someone active in the MAU window are listed.
-#}

with

segment_actives as (

    select * from {{ ref('fct_active_users_by_segment_daily') }}
    where date_day = {{ as_of }}
        and mau > 0

),

final as (

    select
        -- the detailed breakdown's names of the dimensions (what show
        -- --detailed and the dashboards have always shown)
        case segment_dimension
            when 'activity_category' then 'category'
            when 'source_table' then 'source'
            else segment_dimension
        end as dimension,
        case
            when segment_dimension = 'all' then 'all active users'
            else segment_value
        end as segment,
        dau,
        wau,
        mau,
        cast(null as {{ dbt.type_bigint() }}) as user_count
    from segment_actives

)

select * from final
