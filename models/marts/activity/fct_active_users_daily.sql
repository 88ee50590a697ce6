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

{#
    Rolling windows by a sweep, O(N log N) in user-days (see the README):
    a user active on day d, next active on day n, is inside a W-day window
    on the days [d, min(d + W, n)). Each user-day adds +1 on d and -1 on that
    exit day; the running sum of the deltas is the exact distinct count.
    The nightly run recomputes only the days from rebuild_start on, seeded
    with the stored counts of the day before (series_rebuild_start says
    which days can have changed).
-#}

with

user_days as (

    select
        user_id,
        activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
    {%- if rebuild_start is not none %}
        and activity_date >= {{ activity_metrics.add_days(
            activity_metrics.date_literal(rebuild_start), -mau_days) }}
    {%- endif %}

),

users as (

    select
        created_date,
        deleted_date
    from {{ ref('int_users_classified') }}
    where not is_excluded
        and created_date is not null
        and (deleted_date is null or deleted_date >= created_date)

),

{% if rebuild_start is not none -%}
previous_day as (

    select
        wau,
        mau
    from {{ this }}
    where date_day = {{ activity_metrics.add_days(
        activity_metrics.date_literal(rebuild_start), -1) }}

),

{% endif -%}
spine_bounds as (

    select
        {% if rebuild_start is not none -%}
            -- never before the first counted day (a change to a rejected row
            -- dated 1900 rebuilds from then, but the series starts where a
            -- full build starts it)
            greatest(
                {{ activity_metrics.date_literal(rebuild_start) }},
                coalesce(
                    (
                        select min(activity_date)
                        from {{ ref('fct_user_days') }}
                    ),
                    {{ activity_metrics.date_literal(rebuild_start) }}
                )
            )
        {%- else -%}
            (select min(activity_date) from user_days)
        {%- endif %} as first_day,
        {{ activity_metrics.date_literal(as_of_date) }} as last_day

),

days as (

    {{ activity_metrics.day_series(
        '(select first_day from spine_bounds)',
        '(select last_day from spine_bounds)') }}

),

{{ activity_metrics.active_user_window_deltas('user_days', 'window_deltas') }},

user_base_changes as (

    -- Users joining and leaving the user base; changes before the first
    -- day of the spine are folded into it, so the running sum starts right.
    select
        case
            when users.created_date < spine_bounds.first_day
                then spine_bounds.first_day
            else users.created_date
        end as date_day,
        1 as user_count_change
    from users
    cross join spine_bounds

    union all

    select
        case
            when users.deleted_date < spine_bounds.first_day
                then spine_bounds.first_day
            else users.deleted_date
        end as date_day,
        -1 as user_count_change
    from users
    cross join spine_bounds
    where users.deleted_date is not null

),

user_base_changes_per_day as (

    select
        date_day,
        sum(user_count_change) as user_count_change
    from user_base_changes
    group by date_day

),

deltas_per_day as (

    select
        days.date_day,
        coalesce(window_deltas.users_entering, 0) as dau,
        coalesce(window_deltas.wau_delta, 0) as wau_delta,
        coalesce(window_deltas.mau_delta, 0) as mau_delta,
        coalesce(user_base_changes_per_day.user_count_change, 0) as total_users_delta
    from days
    left join window_deltas
        on days.date_day = window_deltas.date_day
    left join user_base_changes_per_day
        on days.date_day = user_base_changes_per_day.date_day

),

running_counts as (

    select
        date_day,
        dau,
        sum(wau_delta) over (
            order by date_day rows between unbounded preceding and current row
        ) as wau,
        sum(mau_delta) over (
            order by date_day rows between unbounded preceding and current row
        ) as mau,
        sum(total_users_delta) over (
            order by date_day rows between unbounded preceding and current row
        ) as total_users
    from deltas_per_day

),

counts_seeded as (

    select
        running_counts.date_day,
        cast(running_counts.dau as {{ dbt.type_bigint() }}) as dau,
        cast(
            running_counts.wau
            {%- if rebuild_start is not none %}
            + coalesce((select wau from previous_day), 0)
            {%- endif %}
            as {{ dbt.type_bigint() }}
        ) as wau,
        cast(
            running_counts.mau
            {%- if rebuild_start is not none %}
            + coalesce((select mau from previous_day), 0)
            {%- endif %}
            as {{ dbt.type_bigint() }}
        ) as mau,
        cast(running_counts.total_users as {{ dbt.type_bigint() }})
            as total_users
    from running_counts

),

final as (

    select
        date_day,
        dau,
        wau,
        mau,
        total_users,
        {{ activity_metrics.safe_ratio('dau', 'total_users') }} as dau_pct,
        {{ activity_metrics.safe_ratio('wau', 'total_users') }} as wau_pct,
        {{ activity_metrics.safe_ratio('mau', 'total_users') }} as mau_pct,
        {{ activity_metrics.safe_ratio('dau', 'mau') }} as stickiness,
        {{ activity_metrics.applied_change_stamps() }}
    from counts_seeded

)

select * from final
