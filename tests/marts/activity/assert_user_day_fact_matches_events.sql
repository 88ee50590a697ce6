{{ config(tags=["full_history"]) }}
-- Nothing lost by the incremental user-day fact: per day, its counted events
-- equal the counted rows of the activity events (weekly; a change of the
-- events the fact missed shows up here: run a backfill or --full-refresh).
with

fact_per_day as (

    select
        activity_date,
        sum(activity_count) as fact_events
    from {{ ref('fct_user_days') }}
    group by activity_date

),

events_per_day as (

    select
        activity_date,
        count(*) as counted_events
    from {{ ref('int_activity_events_counted') }}
    group by activity_date

)

select
    coalesce(fact_per_day.activity_date, events_per_day.activity_date)
        as activity_date,
    fact_per_day.fact_events,
    events_per_day.counted_events
from fact_per_day
full outer join events_per_day
    on fact_per_day.activity_date = events_per_day.activity_date
where fact_per_day.fact_events is null
    or events_per_day.counted_events is null
    or fact_per_day.fact_events != events_per_day.counted_events
