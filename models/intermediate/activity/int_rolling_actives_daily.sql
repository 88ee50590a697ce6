{%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set rebuild_start = activity_metrics.series_rebuild_start() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_date_range('date_day', {
            'start': activity_metrics.series_rebuild_start(),
            'end': none, 'end_inclusive': false}) }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_activity_events_classified') }}
-- depends_on: {{ ref('int_users_tracked') }}
-- depends_on: {{ ref('fct_user_days') }}

{#
    The one sweep: exact DAU, WAU and MAU per segment dimension, value and
    day, for every partition of int_user_day_segments (the total, each
    method, each segment value). A user active on day d, next active in the
    same partition on day n, is inside a W-day window on the days
    [d, min(d + W, n)): each user-day adds +1 on d and -1 on that exit day,
    and the running sum of the deltas is the exact distinct count,
    O(N log N) in partitioned user-days. The published series, the method
    comparison and the breakdowns read it; none sweeps again.
    Incremental: a nightly run recomputes the days from rebuild_start on
    (series_rebuild_start: new days, the earliest day that late rows or
    reclassified users touched), reading the user-days of the MAU window
    before it and seeding each partition's running sums with its stored
    counts of the day before. A partition first seen tonight starts at
    rebuild_start with no seed (it had no user-day before).
#}

with

segment_days as (

    select
        segment_dimension,
        segment_value,
        user_id,
        activity_date
    from {{ ref('int_user_day_segments') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
    {%- if rebuild_start is not none %}
        and activity_date >= {{ activity_metrics.add_days(
            activity_metrics.date_literal(rebuild_start), -mau_days) }}
    {%- endif %}

),

previous_day as (

    -- each partition's counts on the day before the first recomputed day
    {% if rebuild_start is not none -%}
        select
            segment_dimension,
            segment_value,
            wau,
            mau
        from {{ this }}
        where date_day = {{ activity_metrics.add_days(
            activity_metrics.date_literal(rebuild_start), -1) }}
    {%- else -%}
        select
            segment_dimension,
            segment_value,
            cast(0 as {{ dbt.type_bigint() }}) as wau,
            cast(0 as {{ dbt.type_bigint() }}) as mau
        from segment_days
        where 1 = 0
    {%- endif %}

),

spine_bounds as (

    select
        {{ activity_metrics.first_counted_day(rebuild_start, 'segment_days') }}
            as first_day,
        {{ activity_metrics.date_literal(as_of_date) }} as last_day

),

days as (

    {{ activity_metrics.day_series(
        '(select first_day from spine_bounds)',
        '(select last_day from spine_bounds)') }}

),

partitions as (

    select
        segment_dimension,
        segment_value
    from segment_days
    union
    select
        segment_dimension,
        segment_value
    from previous_day

),

{{ activity_metrics.active_user_window_deltas(
    'segment_days', 'window_deltas', 'segment_dimension, segment_value') }},

running_counts as (

    select
        partitions.segment_dimension,
        partitions.segment_value,
        days.date_day,
        coalesce(window_deltas.users_entering, 0) as dau,
        sum(coalesce(window_deltas.wau_delta, 0)) over (
            partition by partitions.segment_dimension, partitions.segment_value
            order by days.date_day
            rows between unbounded preceding and current row
        ) as wau,
        sum(coalesce(window_deltas.mau_delta, 0)) over (
            partition by partitions.segment_dimension, partitions.segment_value
            order by days.date_day
            rows between unbounded preceding and current row
        ) as mau
    from days
    cross join partitions
    left join window_deltas
        on days.date_day = window_deltas.date_day
            and partitions.segment_dimension = window_deltas.segment_dimension
            and partitions.segment_value = window_deltas.segment_value

),

final as (

    select
        running_counts.segment_dimension,
        running_counts.segment_value,
        running_counts.date_day,
        cast(running_counts.dau as {{ dbt.type_bigint() }}) as dau,
        cast(
            running_counts.wau + coalesce(previous_day.wau, 0)
            as {{ dbt.type_bigint() }}
        ) as wau,
        cast(
            running_counts.mau + coalesce(previous_day.mau, 0)
            as {{ dbt.type_bigint() }}
        ) as mau,
        {{ activity_metrics.applied_change_stamps() }}
    from running_counts
    left join previous_day
        on running_counts.segment_dimension = previous_day.segment_dimension
            and running_counts.segment_value = previous_day.segment_value

)

select * from final
