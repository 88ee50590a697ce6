{#-
    What this run classifies: the raw rows it reads
    (int_activity_rows_this_run) and the stored rows of users whose flags
    changed, unless read again (int_activity_events_in_scope), each with its
    local activity date and, when it is not counted, exactly one rejection
    reason (in this order: null_row_id, null_actor, unknown_actor,
    excluded_user, null_timestamp, implausible_timestamp, unknown_event_type,
    non_counting_event_type).
-#}

with

new_rows as (

    select * from {{ ref('int_activity_rows_this_run') }}

),

stored_rows_in_scope as (

    select * from {{ ref('int_activity_events_in_scope') }}

),

users as (

    select
        user_id,
        is_present,
        is_excluded,
        dbt_loaded_at
    from {{ ref('int_users_tracked') }}

),

changed_users as (

    {{ activity_metrics.users_changed_since_classified() }}

),

stored_rows_to_reclassify as (

    -- stored rows of users whose flags changed, unless read again from raw
    select
        stored_rows_in_scope.source_name,
        stored_rows_in_scope.source_row_id,
        coalesce(stored_rows_in_scope.rejection_reason = 'null_row_id', false)
            as is_missing_row_id,
        stored_rows_in_scope.user_id,
        stored_rows_in_scope.occurred_at,
        stored_rows_in_scope.event_type,
        stored_rows_in_scope.source_loaded_at,
        stored_rows_in_scope.duplicate_row_count
    from stored_rows_in_scope
    left join new_rows
        on stored_rows_in_scope.source_name = new_rows.source_name
            and stored_rows_in_scope.source_row_id = new_rows.source_row_id
    where new_rows.source_name is null
        and stored_rows_in_scope.user_id in (
            select changed_users.user_id from changed_users
        )

),

candidate_rows as (

    select * from new_rows
    union all
    select * from stored_rows_to_reclassify

),

activity_event_types as (

    select
        event_type,
        counts_as_activity,
        activity_category
    from {{ ref('activity_event_types') }}

),

rows_joined as (

    select
        candidate_rows.source_name,
        candidate_rows.source_row_id,
        candidate_rows.user_id,
        candidate_rows.occurred_at,
        candidate_rows.event_type,
        candidate_rows.source_loaded_at,
        candidate_rows.is_missing_row_id,
        candidate_rows.duplicate_row_count,
        {{ activity_metrics.source_category_of('candidate_rows.source_name') }}
            as source_category,
        coalesce(users.is_present, false) as has_known_actor,
        users.is_excluded,
        activity_event_types.counts_as_activity,
        activity_event_types.activity_category as event_type_category,
        {{ activity_metrics.utc_to_local_date('candidate_rows.occurred_at') }}
            as activity_date
    from candidate_rows
    left join users
        on candidate_rows.user_id = users.user_id
    left join activity_event_types
        on candidate_rows.event_type = activity_event_types.event_type

),

final as (

    select
        source_name,
        source_row_id,
        user_id,
        occurred_at,
        activity_date,
        event_type,
        coalesce(source_category, event_type_category) as activity_category,
        case
            when is_missing_row_id then 'null_row_id'
            when user_id is null then 'null_actor'
            when not has_known_actor then 'unknown_actor'
            when is_excluded then 'excluded_user'
            when occurred_at is null then 'null_timestamp'
            when activity_date < {{ activity_metrics.date_literal(
                activity_metrics.checked_date_var('activity__plausible_from_date')) }}
                or activity_date > {{ activity_metrics.date_literal(
                    activity_metrics.checked_date_var('activity__plausible_until_date')) }}
                then 'implausible_timestamp'
            when source_category is null and counts_as_activity is null
                then 'unknown_event_type'
            when source_category is null and not counts_as_activity
                then 'non_counting_event_type'
        end as rejection_reason,
        source_loaded_at,
        duplicate_row_count
    from rows_joined

)

select * from final
