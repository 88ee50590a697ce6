-- The detailed breakdown by day for the last 30 days (var activity__mau_days): active users per
-- activity category (a user counts in each category they used that day),
-- beside DAU, for the monthly review.
{%- set as_of = activity_metrics.date_literal(activity_metrics.as_of_date()) %}

with

user_days as (

    select * from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of }}
        and activity_date > {{ activity_metrics.add_days(
            as_of, -activity_metrics.checked_var('activity__mau_days')) }}

),

final as (

    select
        activity_date,
        count(*) as dau,
        {% for category in activity_metrics.activity_categories() -%}
            sum(case when {{ category }}_count > 0 then 1 else 0 end)
                as {{ category }}_users,
        {% endfor -%}
        sum(case when session_count + mutation_count = 0 then 1 else 0 end)
            as users_without_touch
    from user_days
    group by activity_date

)

select * from final
order by activity_date desc
