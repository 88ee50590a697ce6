-- Old method vs new method vs published, for the as-of date, by hand.
-- old: the app's union of the transactional tables (what `active_user_ids`
--      collected from 8+ tables), counted straight from the staging views;
-- new: the app's one-line method on its own users.last_activity_at
--      (last_activity_at within the window), which depends on the middleware
--      and on the backfill having run;
-- published: activity_metrics_current (every source, exact).
-- Reading: new < old means a backfill is missing or the middleware misses
-- something; new > old means the touch log catches more (logins).
{%- set windows = [1, activity_metrics.checked_var('activity__wau_days'),
    activity_metrics.checked_var('activity__mau_days')] %}
{%- set as_of = activity_metrics.date_literal(activity_metrics.as_of_date()) %}

with

transactional_events as (

    {% for activity_source in activity_metrics.activity_sources()
        if activity_source.source_name != 'activity_touches' %}
        select
            {{ activity_source.actor }} as user_id,
            {{ activity_metrics.utc_to_local_date(
                activity_source.occurred_at) }} as activity_date
        from {{ ref(activity_source.model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

users as (

    select * from {{ ref('int_users_classified') }}
    where not is_excluded

),

old_method as (

    {% for days in windows %}
        select
            {{ days }} as window_days,
            count(distinct transactional_events.user_id) as active_users
        from transactional_events
        inner join users
            on transactional_events.user_id = users.user_id
        where transactional_events.activity_date <= {{ as_of }}
            and transactional_events.activity_date
            > {{ activity_metrics.add_days(as_of, -days) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

new_method as (

    {% for days in windows %}
        select
            {{ days }} as window_days,
            count(*) as active_users
        from users
        where {{ activity_metrics.utc_to_local_date('app_last_activity_at') }}
            <= {{ as_of }}
            and {{ activity_metrics.utc_to_local_date('app_last_activity_at') }}
            > {{ activity_metrics.add_days(as_of, -days) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

published as (

    select
        dau,
        wau,
        mau
    from {{ ref('activity_metrics_current') }}

),

final as (

    select
        old_method.window_days,
        old_method.active_users as old_method_users,
        new_method.active_users as new_method_users,
        case old_method.window_days
            when 1 then published.dau
            when {{ windows[1] }} then published.wau
            else published.mau
        end as published_users
    from old_method
    inner join new_method
        on old_method.window_days = new_method.window_days
    cross join published

)

select * from final
order by window_days
