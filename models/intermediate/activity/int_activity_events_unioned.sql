with

classified_events as (

    select * from {{ ref('int_activity_events_classified') }}

),

final as (

    select
        source_name,
        source_row_id,
        user_id,
        occurred_at,
        activity_date,
        activity_category,
        event_type
    from classified_events
    where rejection_reason is null

)

select * from final
