-- The app's one-line method, on the warehouse: users whose last counted
-- activity falls within 1, 7 and 30 days (vars activity__wau_days and
-- activity__mau_days) of the as-of date. It must equal
-- activity_metrics_current (a test checks it every night).
{%- set as_of_date = activity_metrics.date_literal(
    activity_metrics.as_of_date()) %}

with

last_activity as (

    select * from {{ ref('user_last_activity') }}

),

final as (

    select
        count(*) as users_ever_active,
        sum(case when last_activity_date >= {{ as_of_date }}
                then 1
            else 0
        end) as active_1_day,
        sum(case when last_activity_date
                >= {{ activity_metrics.add_days(
                    as_of_date, 1 - activity_metrics.checked_var('activity__wau_days')) }}
                then 1
            else 0
        end) as active_7_days,
        sum(case when last_activity_date
                >= {{ activity_metrics.add_days(
                    as_of_date, 1 - activity_metrics.checked_var('activity__mau_days')) }}
                then 1
            else 0
        end) as active_30_days
    from last_activity
    where last_activity_date is not null

)

select * from final
