{%- set as_of_date = activity_metrics.as_of_date() -%}

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
        and activity_date <= {{ activity_metrics.date_literal(as_of_date) }}

)

select * from final
