{{
    config(
        materialized='incremental',
        unique_key=['source_name', 'source_row_id'],
        incremental_strategy='delete+insert',
        post_hook="{{ activity_metrics.drop_scratch_tables() }}",
        partition_by=activity_metrics.month_partition_by(),
        on_schema_change='fail',
        indexes=[
            {'columns': ['source_name', 'source_row_id']},
            {'columns': ['dbt_loaded_at']},
            {'columns': ['activity_date']},
            {'columns': ['user_id']},
        ],
    )
}}

{%- if execute and not flags.FULL_REFRESH
    and activity_metrics.stored_relation('int_activity_events_classified') is none
    and activity_metrics.stored_relation('fct_user_days') is not none %}
    {{- log(
        "activity_metrics: the activity events and their high-water marks are"
        ~ " missing while the user-day fact exists: rebuilding every activity"
        ~ " event from the raw tables, and every user-day from them (a full"
        ~ " rebuild; nothing else to do).", info=true) }}
{%- endif %}

{#-
    Every raw activity row, read once: its local activity date and, when it
    is not counted, exactly one rejection reason. Incremental on (source,
    row id), in three steps a reader can follow: int_activity_rows_this_run
    (the raw rows past each source's high-water mark, whatever their
    activity date), int_activity_events_in_scope (the stored rows they may
    replace, and those of users whose flags changed), and
    int_activity_rows_classified (the rejection reasons). A row is written
    only when it is new or its classification changed; the rows a run writes
    carry its stamp (dbt_loaded_at) and the user-day they replaced
    (previous_*), which is all the downstream models need to rebuild exactly
    the user-days that changed (int_run_touched_user_days). The as-of date is
    not applied here: int_activity_events_counted applies it.
-#}

with

rows_classified as (

    select * from {{ ref('int_activity_rows_classified') }}

),

stored_rows_in_scope as (

    select * from {{ ref('int_activity_events_in_scope') }}

),

rows_changed as (

    -- new rows, and stored rows whose content or classification changed;
    -- a row read again inside the safety margin, unchanged, is not written
    select
        rows_classified.*,
        stored_rows_in_scope.user_id as previous_user_id,
        stored_rows_in_scope.activity_date as previous_activity_date
    from rows_classified
    left join stored_rows_in_scope
        on rows_classified.source_name = stored_rows_in_scope.source_name
            and rows_classified.source_row_id = stored_rows_in_scope.source_row_id
    where stored_rows_in_scope.source_name is null
        or rows_classified.user_id is distinct from stored_rows_in_scope.user_id
        or rows_classified.occurred_at
        is distinct from stored_rows_in_scope.occurred_at
        or rows_classified.activity_date
        is distinct from stored_rows_in_scope.activity_date
        or rows_classified.event_type
        is distinct from stored_rows_in_scope.event_type
        or rows_classified.rejection_reason
        is distinct from stored_rows_in_scope.rejection_reason
        or rows_classified.source_loaded_at
        is distinct from stored_rows_in_scope.source_loaded_at
        or rows_classified.duplicate_row_count
        is distinct from stored_rows_in_scope.duplicate_row_count

),

final as (

    select
        source_name,
        source_row_id,
        user_id,
        occurred_at,
        activity_date,
        event_type,
        activity_category,
        rejection_reason,
        source_loaded_at,
        duplicate_row_count,
        previous_user_id,
        previous_activity_date,
        (
            select max(tracked_users.dbt_loaded_at)
            from {{ ref('int_users_tracked') }} as tracked_users
        ) as users_loaded_through,
        {{ activity_metrics.run_stamp() }} as dbt_loaded_at
    from rows_changed

)

-- on Spark, with the month partition key (activity_month)
select *{{ activity_metrics.month_partition_column('activity_date') }}
from final
