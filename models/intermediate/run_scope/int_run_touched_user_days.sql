{{ config(materialized='table') }}

{#
    The user-days tonight's activity events touch: for every event written
    since the oldest stamp a consumer holds (int_run_state), the user-day it
    is on now and the one it was on before (a row that moved, or stopped
    being counted), with the newest stamp that touched it. Each consumer
    (the user-day fact, user_last_activity, the series' rebuild starts)
    takes the user-days touched after its own stamp. Late rows of any age
    and users flagged after the fact all arrive here; a first build touches
    nothing (every consumer is built in full).
#}

with

loaded_after as (

    select min(events_loaded_through) as events_loaded_through
    from {{ ref('int_run_state') }}
    where model_name != 'int_activity_events_classified'

),

events as (

    select
        user_id,
        activity_date,
        previous_user_id,
        previous_activity_date,
        dbt_loaded_at
    from {{ ref('int_activity_events_classified') }}
    where dbt_loaded_at > (select loaded_after.events_loaded_through from loaded_after)

),

touches as (

    select
        user_id,
        activity_date,
        dbt_loaded_at
    from events
    where user_id is not null
        and activity_date is not null
    union all
    select
        previous_user_id as user_id,
        previous_activity_date as activity_date,
        dbt_loaded_at
    from events
    where previous_user_id is not null
        and previous_activity_date is not null

),

final as (

    select
        user_id,
        activity_date,
        max(dbt_loaded_at) as touched_at
    from touches
    group by
        user_id,
        activity_date

)

select * from final
