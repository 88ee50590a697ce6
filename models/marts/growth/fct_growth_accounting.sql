{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set rebuild_start = activity_metrics.series_rebuild_start(
    "select max(period_start) from " ~ this ~ " where period_type = 'day'") -%}
{%- set period_starts = activity_metrics.period_rebuild_starts(rebuild_start) -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rebuilt_periods('period_start', 'period_type') }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_activity_events_classified') }}
-- depends_on: {{ ref('int_users_tracked') }}

{#
    Growth accounting (CONTRACT section 4) per day, ISO week and month: new
    (first activity ever, never signup: a backfill of old activity cannot
    make an old user new), retained, resurrected and churned users, from the
    user-day fact. O(user-days): each user's active periods are sorted once
    per period kind (lag; one branch per kind, so no sort on a text key),
    no users x periods cross join; churned(P) is what P did not retain of
    P-1's actives (active(P-1) - retained(P), the definition itself); a period in which nobody
    was active still has its row (the period spine). Incremental like the
    series: a nightly run recomputes the periods from the one that contains
    the earliest rewritten user-day; it reads the user-days from the period
    before (for retained and churned) and each user's first active day from
    user_last_activity (for new).
#}

with

user_days as (

    select
        user_id,
        activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
    {%- if rebuild_start is not none %}
        and activity_date >= {{ activity_metrics.shift_period(
            'month', activity_metrics.date_literal(period_starts['month']), -1) }}
    {%- endif %}

),

first_active_periods as (

    select
        user_id,
        {% for period_type in activity_metrics.period_types() -%}
            {{ activity_metrics.period_start(period_type, 'first_activity_date') }}
                as first_{{ period_type }}
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('user_last_activity') }}
    where first_activity_date is not null

),

{% for period_type in activity_metrics.period_types() %}
    {{ period_type }}_user_periods as (

        -- each user's active periods (the fact has one row per user-day)
        select {% if period_type != 'day' %}distinct{% endif %}
            user_id,
            {{ activity_metrics.period_start(period_type, 'activity_date') }}
                as period_start
        from user_days

    ),

    {{ period_type }}_user_periods_sequenced as (

        -- one sort per kind, by user (no text key: one branch per kind)
        select
            user_id,
            period_start,
            lag(period_start) over (
                partition by user_id order by period_start
            ) as previous_active_period
        from {{ period_type }}_user_periods

    ),

    {{ period_type }}_user_periods_classified as (

        select
            sequenced.period_start,
            sequenced.period_start = first_active_periods.first_{{ period_type }}
                as is_new,
            coalesce(
                sequenced.previous_active_period
                = {{ activity_metrics.shift_period(
                    period_type, 'sequenced.period_start', -1) }},
                false
            ) as is_retained
        from {{ period_type }}_user_periods_sequenced as sequenced
        inner join first_active_periods
            on sequenced.user_id = first_active_periods.user_id

    ),

    {{ period_type }}_active_counts as (

        select
            '{{ period_type }}' as period_type,
            period_start,
            count(*) as active_users,
            sum(case when is_new then 1 else 0 end) as new_users,
            sum(case when is_retained then 1 else 0 end) as retained_users,
            sum(case when not is_new and not is_retained then 1 else 0 end)
                as resurrected_users
        from {{ period_type }}_user_periods_classified
        group by period_start

    ),

{% endfor %}
active_counts as (

    {% for period_type in activity_metrics.period_types() -%}
        select * from {{ period_type }}_active_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

spine_bounds as (

    select
        {% if rebuild_start is not none -%}
            -- never before the first counted day (as a full build)
            greatest(
                {{ activity_metrics.date_literal(period_starts.values() | min) }},
                coalesce(
                    (
                        select min(first_activity_date)
                        from {{ ref('user_last_activity') }}
                    ),
                    {{ activity_metrics.date_literal(period_starts.values() | min) }}
                )
            )
        {%- else -%}
            (
                select min(first_activity_date)
                from {{ ref('user_last_activity') }}
            )
        {%- endif %} as first_day,
        {{ activity_metrics.date_literal(as_of_date) }} as last_day

),

days as (

    {{ activity_metrics.day_series(
        '(select first_day from spine_bounds)',
        '(select last_day from spine_bounds)') }}

),

period_spine as (

    {% for period_type in activity_metrics.period_types() -%}
        select distinct
            '{{ period_type }}' as period_type,
            {{ activity_metrics.period_start(period_type, 'date_day') }}
                as period_start
        from days
        {%- if rebuild_start is not none %}
        where {{ activity_metrics.period_start(period_type, 'date_day') }}
            >= {{ activity_metrics.date_literal(period_starts[period_type]) }}
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

periods_counted as (

    select
        period_spine.period_type,
        period_spine.period_start,
        case
            {% for period_type in activity_metrics.period_types() -%}
                when period_spine.period_type = '{{ period_type }}'
                    then {{ activity_metrics.add_days(
                        activity_metrics.shift_period(
                            period_type, 'period_spine.period_start', 1),
                        -1) }}
            {% endfor -%}
        end as period_end,
        coalesce(active_counts.active_users, 0) as active_users,
        coalesce(active_counts.new_users, 0) as new_users,
        coalesce(active_counts.retained_users, 0) as retained_users,
        coalesce(active_counts.resurrected_users, 0) as resurrected_users,
        -- active in P-1 and not in P: those of P-1 that P did not retain
        coalesce(previous_counts.active_users, 0)
        - coalesce(active_counts.retained_users, 0) as churned_users
    from period_spine
    left join active_counts
        on period_spine.period_type = active_counts.period_type
            and period_spine.period_start = active_counts.period_start
    left join active_counts as previous_counts
        on period_spine.period_type = previous_counts.period_type
            and previous_counts.period_start = case
                {% for period_type in activity_metrics.period_types() -%}
                    when period_spine.period_type = '{{ period_type }}'
                        then {{ activity_metrics.shift_period(
                            period_type, 'period_spine.period_start', -1) }}
                {% endfor -%}
            end

),

final as (

    select
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        period_start,
        period_end,
        period_end <= {{ activity_metrics.date_literal(as_of_date) }} as is_complete,
        cast(active_users as {{ dbt.type_bigint() }}) as active_users,
        cast(new_users as {{ dbt.type_bigint() }}) as new_users,
        cast(retained_users as {{ dbt.type_bigint() }}) as retained_users,
        cast(resurrected_users as {{ dbt.type_bigint() }}) as resurrected_users,
        cast(churned_users as {{ dbt.type_bigint() }}) as churned_users,
        {{ activity_metrics.safe_ratio(
            'new_users + resurrected_users', 'churned_users') }} as quick_ratio,
        {{ activity_metrics.applied_change_stamps() }}
    from periods_counted

)

select * from final
