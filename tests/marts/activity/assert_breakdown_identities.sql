-- The identities of CONTRACT section 5 on every day of
-- fct_active_users_by_segment_daily, one guard per failure kind (the rows
-- returned name it in `failed_identity`):
-- - all_equals_series: the `all` value equals the published series;
-- - account_type_dau_adds_up: one account type per user-day, so the values'
--   DAUs add up to DAU;
-- - value_above_total: no value's DAU, WAU or MAU exceeds the total;
-- - values_below_total: a dimension's values together cover every active
--   user (their sum is at least the total).
-- - window_order: DAU <= WAU <= MAU for every value.

with

breakdown as (

    select * from {{ ref('fct_active_users_by_segment_daily') }}

),

series as (

    select * from {{ ref('fct_active_users_daily') }}

),

dimension_sums as (

    select
        segment_dimension,
        date_day,
        sum(dau) as dau,
        sum(wau) as wau,
        sum(mau) as mau,
        max(dau) as max_dau,
        max(wau) as max_wau,
        max(mau) as max_mau,
        sum(case when dau > wau or wau > mau then 1 else 0 end) as unordered_values
    from breakdown
    where segment_dimension != 'all'
    group by
        segment_dimension,
        date_day

),

all_values as (

    select * from breakdown
    where segment_dimension = 'all'

),

checks as (

    select
        'all_equals_series' as failed_identity,
        'all' as segment_dimension,
        series.date_day
    from series
    full outer join all_values
        on series.date_day = all_values.date_day
    where all_values.date_day is null
        or series.date_day is null
        or {{ activity_metrics.figures_differ(
            'series', 'all_values', ['dau', 'wau', 'mau']) }}

    union all

    select
        'account_type_dau_adds_up' as failed_identity,
        dimension_sums.segment_dimension,
        dimension_sums.date_day
    from dimension_sums
    inner join series
        on dimension_sums.date_day = series.date_day
    where dimension_sums.segment_dimension = 'account_type'
        and dimension_sums.dau != series.dau

    union all

    select
        case
            when dimension_sums.max_dau > series.dau
                or dimension_sums.max_wau > series.wau
                or dimension_sums.max_mau > series.mau
                then 'value_above_total'
            when dimension_sums.unordered_values > 0 then 'window_order'
            else 'values_below_total'
        end as failed_identity,
        dimension_sums.segment_dimension,
        dimension_sums.date_day
    from dimension_sums
    inner join series
        on dimension_sums.date_day = series.date_day
    where dimension_sums.max_dau > series.dau
        or dimension_sums.max_wau > series.wau
        or dimension_sums.max_mau > series.mau
        or dimension_sums.unordered_values > 0
        or dimension_sums.dau < series.dau
        or dimension_sums.wau < series.wau
        or dimension_sums.mau < series.mau

)

select * from checks
