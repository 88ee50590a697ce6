-- Old method vs new method vs published, for the as-of date, by hand.
-- old: the transactional tables only (what the app's union of 8+ tables
--      counted); new: the touch log only (what the middleware behind
--      users.last_activity_at sees); published: every source. Both methods
--      are read from mon_method_comparison_daily, the one definition of them
--      (partitions of the sweep), never recounted here. Beside them, the
--      app's one-line method on its own users.last_activity_at column (within
--      the window), which also depends on the middleware's backfill.
-- Reading: new < old means the middleware misses something; new > old means
-- the touch log catches more (logins).
{%- set windows = [('dau', 1),
    ('wau', activity_metrics.checked_var('activity__wau_days')),
    ('mau', activity_metrics.checked_var('activity__mau_days'))] %}
{%- set as_of = activity_metrics.date_literal(activity_metrics.as_of_date()) %}

with

method_comparison as (

    select * from {{ ref('mon_method_comparison_daily') }}
    where date_day = {{ as_of }}

),

users as (

    select * from {{ ref('int_users_classified') }}
    where not is_excluded

),

app_column as (

    {% for metric, days in windows %}
        select
            '{{ metric }}' as metric,
            count(*) as app_column_users
        from users
        where {{ activity_metrics.utc_to_local_date('app_last_activity_at') }}
            <= {{ as_of }}
            and {{ activity_metrics.utc_to_local_date('app_last_activity_at') }}
            > {{ activity_metrics.add_days(as_of, -days) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

methods as (

    {% for metric, days in windows %}
        select
            '{{ metric }}' as metric,
            {{ days }} as window_days,
            transactional_{{ metric }} as old_method_users,
            touch_log_{{ metric }} as new_method_users,
            combined_{{ metric }} as published_users
        from method_comparison
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        methods.window_days,
        methods.old_method_users,
        methods.new_method_users,
        app_column.app_column_users,
        methods.published_users
    from methods
    inner join app_column
        on methods.metric = app_column.metric

)

select * from final
order by window_days
