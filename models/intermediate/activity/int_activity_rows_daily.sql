{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_recounted_row_groups() }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_activity_events_classified') }}
-- depends_on: {{ ref('int_run_state') }}

{#
    Raw activity rows per source, local day and rejection reason (null:
    counted), the input of mon_raw_rows_by_status. Incremental: a nightly
    run recounts only the (source, day) groups that the activity events
    written since its last run touch, where each row is now and where it was
    before; rows without a timestamp form a group of their own.
#}

with

recounted_events as (

    select
        source_name,
        activity_date,
        rejection_reason,
        duplicate_row_count
    from {{ ref('int_activity_events_classified') }}
    {%- if is_incremental() %}
    where {{ activity_metrics.recounted_row_groups() }}
    {%- endif %}

),

recounted_rows as (

    -- every stored event is one raw row; the extra raw rows that shared its
    -- id are rows of their own, rejected as duplicates
    select
        source_name,
        activity_date,
        rejection_reason,
        1 as raw_rows
    from recounted_events
    union all
    select
        source_name,
        activity_date,
        'duplicate_row_id' as rejection_reason,
        duplicate_row_count as raw_rows
    from recounted_events
    where duplicate_row_count > 0

),

final as (

    select
        source_name,
        activity_date,
        rejection_reason,
        cast(sum(raw_rows) as {{ dbt.type_bigint() }}) as row_count,
        (
            select max(activity_events.dbt_loaded_at)
            from {{ ref('int_activity_events_classified') }} as activity_events
        ) as events_loaded_through,
        {{ activity_metrics.run_stamp() }} as dbt_loaded_at
    from recounted_rows
    group by
        source_name,
        activity_date,
        rejection_reason

)

select * from final
