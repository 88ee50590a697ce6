with

classified_events as (

    select
        source_name,
        coalesce(rejection_reason, 'counted') as row_status
    from {{ ref('int_activity_events_classified') }}

),

final as (

    select
        source_name,
        row_status,
        count(*) as row_count
    from classified_events
    group by
        source_name,
        row_status

)

select * from final
