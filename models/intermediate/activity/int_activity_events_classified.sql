{%- set activity_sources = activity_metrics.activity_sources() -%}
{%- set scope = activity_metrics.activity_event_scope() -%}

{{
    config(
        materialized='incremental',
        unique_key=['source_name', 'source_row_id'],
        incremental_strategy='delete+insert',
        post_hook="{{ activity_metrics.drop_scratch_tables() }}",
        on_schema_change='fail',
        indexes=[
            {'columns': ['source_name', 'source_row_id']},
            {'columns': ['dbt_loaded_at']},
            {'columns': ['activity_date']},
            {'columns': ['user_id']},
        ],
    )
}}

{#-
    Every raw activity row, read once: its local activity date and, when it
    is not counted, exactly one rejection reason. Incremental on (source,
    row id): a nightly run reads only the raw rows past each source's
    high-water mark (activity_event_scope), whatever their activity date, and
    classifies again the stored rows of users whose flags changed since the
    last run (int_users_tracked). Raw rows without an id get a stand-in key
    and are rejected (null_row_id); of the raw rows that share an id, one is
    kept and the others are counted on it (duplicate_row_count, rejected as
    duplicate_row_id downstream): a bad key never stops the night, and a
    loader that delivers a row again later is read as an update of the row.
    A row is written only when it is new or
    its classification changed; the rows a run writes carry its stamp
    (dbt_loaded_at) and the user-day they replaced (previous_*), which is all
    the downstream models need to rebuild exactly the user-days that changed.
    The as-of date is not applied here (rows after it are counted once the
    as-of date reaches them): int_activity_events_counted applies it.
-#}

with

{% for activity_source in activity_sources %}
    new_{{ activity_source.source_name }}_rows as (

        select
            '{{ activity_source.source_name }}' as source_name,
            coalesce({{ activity_source.id }}, {{ activity_metrics.missing_row_key([
                activity_source.actor, activity_source.occurred_at,
                activity_source.event_type or "''", 'source_loaded_at']) }})
                as source_row_id,
            {{ activity_source.id }} is null as is_missing_row_id,
            {{ activity_source.actor }} as user_id,
            {{ activity_source.occurred_at }} as occurred_at,
            {% if activity_source.event_type -%}
                {{ activity_source.event_type }}
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as event_type,
            source_loaded_at
        from {{ ref(activity_source.model) }}
        where {{ activity_metrics.new_rows_predicate(
            scope, activity_source, activity_source.occurred_at) }}

    ),

{% endfor %}
raw_rows as (

    {% for activity_source in activity_sources %}
        select * from new_{{ activity_source.source_name }}_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

duplicated_keys as (

    -- ids that more than one raw row carries (a loader's replayed or versioned
    -- rows, or a table without a primary key): a hash aggregate, no sort
    select
        source_name,
        source_row_id,
        count(*) - 1 as duplicate_row_count
    from raw_rows
    group by
        source_name,
        source_row_id
    having count(*) > 1

),

duplicated_rows_ranked as (

    -- one row per duplicated id is kept (the latest loaded, then the latest
    -- action); the others are counted on it as rejected duplicates
    select
        raw_rows.*,
        duplicated_keys.duplicate_row_count,
        row_number() over (
            partition by raw_rows.source_name, raw_rows.source_row_id
            order by
                raw_rows.source_loaded_at desc nulls last,
                raw_rows.occurred_at desc nulls last,
                raw_rows.user_id asc nulls last,
                raw_rows.event_type asc nulls last
        ) as row_rank
    from raw_rows
    inner join duplicated_keys
        on raw_rows.source_name = duplicated_keys.source_name
            and raw_rows.source_row_id = duplicated_keys.source_row_id

),

new_rows as (

    select
        raw_rows.*,
        cast(0 as {{ dbt.type_bigint() }}) as duplicate_row_count
    from raw_rows
    left join duplicated_keys
        on raw_rows.source_name = duplicated_keys.source_name
            and raw_rows.source_row_id = duplicated_keys.source_row_id
    where duplicated_keys.source_name is null
    union all
    select
        source_name,
        source_row_id,
        is_missing_row_id,
        user_id,
        occurred_at,
        event_type,
        source_loaded_at,
        cast(duplicate_row_count as {{ dbt.type_bigint() }}) as duplicate_row_count
    from duplicated_rows_ranked
    where row_rank = 1

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

    -- users whose classification changed since the stored rows were classified
    select user_id
    from users
    where
        {% if scope.mode == 'incremental' -%}
            dbt_loaded_at > {{ activity_metrics.timestamp_literal(
                scope.users_through) }}
        {%- else -%}
            1 = 0
        {%- endif %}

),

stored_rows_in_scope as (

    -- the stored rows this run may replace: those of changed users, those
    -- inside each source's safety margin, and the backfill range (a union of
    -- index-friendly reads, never a scan of every stored row)
    {% if scope.mode == 'incremental' -%}
        {%- set branches = [] -%}
        {%- if scope.has_changed_users -%}
            {%- do branches.append(
                'user_id in (select changed_users.user_id from changed_users)') -%}
        {%- endif -%}
        {%- for activity_source in activity_sources -%}
            {%- set bound = scope.sources.get(activity_source.source_name) -%}
            {%- if bound is not none and bound.loaded_at is not none -%}
                {%- do branches.append(
                    "source_name = '" ~ activity_source.source_name
                    ~ "' and source_loaded_at > cast('" ~ bound.loaded_at
                    ~ "' as " ~ dbt.type_timestamp() ~ ")") -%}
            {%- elif bound is not none and bound.row_id is not none -%}
                {%- do branches.append(
                    "source_name = '" ~ activity_source.source_name
                    ~ "' and source_row_id > " ~ bound.row_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if scope.backfill is not none -%}
            {%- do branches.append(
                'activity_date between '
                ~ activity_metrics.date_literal(scope.backfill.start) ~ ' and '
                ~ activity_metrics.date_literal(scope.backfill.end)) -%}
        {%- endif -%}
        {%- if branches | length == 0 -%}
            {%- do branches.append('1 = 0') -%}
        {%- endif -%}
        {%- for branch in branches %}
            select
                source_name,
                source_row_id,
                user_id,
                occurred_at,
                activity_date,
                event_type,
                rejection_reason,
                source_loaded_at,
                duplicate_row_count
            from {{ this }}
            where {{ branch }}
            {% if not loop.last %}union{% endif %}
        {%- endfor %}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as source_name,
            cast(null as {{ dbt.type_bigint() }}) as source_row_id,
            cast(null as {{ dbt.type_bigint() }}) as user_id,
            cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
            cast(null as date) as activity_date,
            cast(null as {{ dbt.type_string() }}) as event_type,
            cast(null as {{ dbt.type_string() }}) as rejection_reason,
            cast(null as {{ dbt.type_timestamp() }}) as source_loaded_at,
            cast(null as {{ dbt.type_bigint() }}) as duplicate_row_count
        where 1 = 0
    {%- endif %}

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

rows_classified as (

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

select * from final
