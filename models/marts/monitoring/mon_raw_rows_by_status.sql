{%- set as_of_date = activity_metrics.as_of_date() -%}

with

row_groups as (

    select
        source_name,
        row_count,
        case
            when
                rejection_reason in (
                    'null_row_id', 'duplicate_row_id', 'null_actor', 'unknown_actor',
                    'excluded_user', 'null_timestamp'
                )
                then rejection_reason
            when activity_date > {{ activity_metrics.date_literal(as_of_date) }}
                then 'after_as_of'
            else coalesce(rejection_reason, 'counted')
        end as row_status
    from {{ ref('int_activity_rows_daily') }}

),

final as (

    select
        source_name,
        row_status,
        sum(row_count) as row_count
    from row_groups
    group by
        source_name,
        row_status

)

select * from final
