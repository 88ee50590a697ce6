{%- set as_of_date = activity_metrics.as_of_date() -%}

with

classified_events as (

    select
        source_name,
        case
            when
                rejection_reason in (
                    'null_actor', 'unknown_actor', 'excluded_user', 'null_timestamp'
                )
                then rejection_reason
            when activity_date > {{ activity_metrics.date_literal(as_of_date) }}
                then 'after_as_of'
            else coalesce(rejection_reason, 'counted')
        end as row_status
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
