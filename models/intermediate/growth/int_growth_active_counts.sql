{{ config(materialized='ephemeral') }}

{%- set as_of_date = activity_metrics.as_of_date() %}

{#
    The first half of growth accounting (fct_growth_accounting): per period
    kind and active period, the active users and how many of them are new
    (their first activity ever is in it), retained (active in the period
    before) and resurrected (neither). O(user-days): each user's active
    periods are sorted once per kind (lag; one branch per kind, so no sort on
    a text key), no users x periods cross join. On a nightly run it reads
    the user-days from the month before the growth accounting's rebuild
    start (for retained), and each user's first active day from
    user_last_activity (for new).
#}

with

user_days as (

    select
        user_id,
        activity_date
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
        and activity_date >= coalesce(
            {{ activity_metrics.shift_period('month', activity_metrics.period_start(
                'month', activity_metrics.rebuild_start('fct_growth_accounting')), -1) }},
            {{ activity_metrics.earliest_day() }}
        )

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
final as (

    {% for period_type in activity_metrics.period_types() -%}
        select * from {{ period_type }}_active_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
