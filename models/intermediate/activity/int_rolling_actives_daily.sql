{%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
{%- set as_of_date = activity_metrics.as_of_date() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rebuilt_days('date_day') }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('fct_user_days') }}

{#
    The one sweep: exact DAU, WAU and MAU per partition of
    int_user_day_segments (the total, each method, each segment value) and
    day. A user active on day d, next active in the same partition on day n,
    is inside a W-day window on [d, min(d + W, n)): +1 on d, -1 on that exit
    day, and the running sum of the deltas is the exact distinct count,
    O(N log N). The series, the method comparison and the breakdowns read
    it. A nightly run recomputes from its rebuild start (int_run_rebuild_starts),
    reading the MAU window before it and seeding each partition with its
    stored counts of the day before (a partition new tonight has none).
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
        and activity_date >= {{ activity_metrics.add_days(
            activity_metrics.rebuilt_from(), -mau_days) }}

),

previous_day as (

    -- each partition's counts on the day before the first recomputed day
    {% if is_incremental() -%}
        select
            segment_dimension,
            segment_value,
            wau,
            mau
        from {{ this }}
        where date_day = {{ activity_metrics.add_days(
            activity_metrics.rebuild_start(), -1) }}
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
        {{ activity_metrics.first_counted_day('segment_days') }}
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
