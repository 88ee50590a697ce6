{{ config(materialized='ephemeral') }}

{%- set as_of_date = activity_metrics.as_of_date() -%}

{#-
    The daily series the anomaly alerts watch (mon_activity_anomalies), one
    row per series and day from its first day with anything in it to the
    as-of date, a day with nothing in it a 0 (a source that stopped is a
    row of zeros, not a gap): every source's counted rows (the rows that
    count as activity) and loaded rows (every row dated that day, rejected
    ones included: a day loaded twice shows here even when its duplicate ids
    are rejected), DAU, and the DAU of each activity category.
-#}

with

rows_daily as (

    select
        source_name,
        activity_date as date_day,
        sum(case when rejection_reason is null then row_count else 0 end) as counted_rows,
        sum(row_count) as loaded_rows
    from {{ ref('int_activity_rows_daily') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
    group by
        source_name,
        activity_date

),

source_first_days as (

    select
        source_name,
        min(date_day) as first_day
    from rows_daily
    where counted_rows > 0
    group by source_name

),

days as (

    {{ activity_metrics.day_series(
        '(select min(first_day) from source_first_days)',
        activity_metrics.date_literal(as_of_date)) }}

),

source_days as (

    select
        source_first_days.source_name,
        days.date_day,
        coalesce(rows_daily.counted_rows, 0) as counted_rows,
        coalesce(rows_daily.loaded_rows, 0) as loaded_rows
    from source_first_days
    inner join days
        on source_first_days.first_day <= days.date_day
    left join rows_daily
        on source_first_days.source_name = rows_daily.source_name
            and days.date_day = rows_daily.date_day

),

category_days as (

    select
        segment_value as series_name,
        date_day,
        dau as observed,
        min(case when dau > 0 then date_day end)
            over (partition by segment_value) as first_day
    from {{ ref('fct_active_users_by_segment_daily') }}
    where segment_dimension = 'activity_category'

),

final as (

    select
        'source_counted_rows' as monitor_name,
        source_name as series_name,
        date_day,
        counted_rows as observed
    from source_days

    union all

    select
        'source_loaded_rows' as monitor_name,
        source_name as series_name,
        date_day,
        loaded_rows as observed
    from source_days

    union all

    select
        'dau' as monitor_name,
        'all' as series_name,
        date_day,
        dau as observed
    from {{ ref('fct_active_users_daily') }}

    union all

    select
        'dau_by_activity_category' as monitor_name,
        series_name,
        date_day,
        observed
    from category_days
    where date_day >= first_day

)

select
    monitor_name,
    series_name,
    date_day,
    cast(observed as {{ dbt.type_bigint() }}) as observed
from final
