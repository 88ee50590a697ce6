-- The app's one-line method on user_last_activity (users whose last activity
-- day is within 1, 7 and 30 days of the as-of date) must give the series'
-- DAU, WAU and MAU at the as-of date.
{%- set as_of_date = activity_metrics.date_literal(
    activity_metrics.as_of_date()) %}

with

last_activity as (

    select last_activity_date
    from {{ ref('user_last_activity') }}
    where last_activity_date is not null

),

one_line_method as (

    select
        {% for metric, window_days in [
            ('dau', 1),
            ('wau', activity_metrics.checked_var('activity__wau_days')),
            ('mau', activity_metrics.checked_var('activity__mau_days')),
        ] -%}
            sum(
                case
                    when last_activity_date >= {{ activity_metrics.add_days(
                        as_of_date, 1 - window_days) }}
                        then 1
                    else 0
                end
            ) as {{ metric }},
        {% endfor -%}
        count(*) as users_ever_active
    from last_activity

),

current_metrics as (

    select * from {{ ref('activity_metrics_current') }}

)

select
    one_line_method.dau,
    current_metrics.dau as series_dau,
    one_line_method.wau,
    current_metrics.wau as series_wau,
    one_line_method.mau,
    current_metrics.mau as series_mau
from one_line_method
cross join current_metrics
where coalesce(one_line_method.dau, 0) != current_metrics.dau
    or coalesce(one_line_method.wau, 0) != current_metrics.wau
    or coalesce(one_line_method.mau, 0) != current_metrics.mau
