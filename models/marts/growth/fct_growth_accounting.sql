{%- set as_of_date = activity_metrics.as_of_date() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rebuilt_periods('period_start', 'period_type') }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_users_tracked') }}
-- depends_on: {{ ref('fct_user_days') }}

{#
    Growth accounting (CONTRACT section 4) per day, ISO week and month: new
    (first activity ever, never signup: a backfill of old activity cannot
    make an old user new), retained, resurrected and churned users, from the
    user-day fact. O(user-days): the active, new, retained and resurrected
    users of each active period come from int_growth_active_counts (no
    users x periods cross join); churned(P) is what P did not retain of
    P-1's actives (active(P-1) - retained(P), the definition itself); a period in which nobody
    was active still has its row (the period spine). Incremental like the
    series: a nightly run recomputes the periods from the one that contains
    the earliest rewritten user-day; it reads the user-days from the period
    before (for retained and churned) and each user's first active day from
    user_last_activity (for new).
#}

with

active_counts as (

    select * from {{ ref('int_growth_active_counts') }}

),

spine_bounds as (

    select
        case
            when {{ activity_metrics.rebuild_start() }} is null
                then (
                    select min(first_activity_date)
                    from {{ ref('user_last_activity') }}
                )
            -- never before the first counted day (as a full build)
            else greatest(
                    {{ activity_metrics.rebuilt_from_periods(activity_metrics.period_types()) }},
                    coalesce(
                        (
                            select min(first_activity_date)
                            from {{ ref('user_last_activity') }}
                        ),
                        {{ activity_metrics.rebuilt_from_periods(activity_metrics.period_types()) }}
                    )
                )
        end as first_day,
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
        where {{ activity_metrics.period_start(period_type, 'date_day') }}
            >= {{ activity_metrics.rebuilt_from(period_type) }}
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
