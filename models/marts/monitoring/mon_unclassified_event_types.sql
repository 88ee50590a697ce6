{#-
    Touch-log event types the seed activity_event_types does not classify:
    they do not count until someone adds them to the seed, and they are
    reported here, never dropped silently.
-#}

with

unknown_type_events as (

    select
        event_type,
        user_id,
        occurred_at
    from {{ ref('int_activity_events_classified') }}
    where rejection_reason = 'unknown_event_type'
        and activity_date <= {{ activity_metrics.date_literal(activity_metrics.as_of_date()) }}

),

final as (

    select
        event_type,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count,
        cast(count(distinct user_id) as {{ dbt.type_bigint() }}) as user_count,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at
    from unknown_type_events
    group by event_type

)

select * from final
