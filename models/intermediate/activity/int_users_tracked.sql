{%- set zone = activity_metrics.reporting_timezone() -%}

{{
    config(
        materialized='incremental',
        unique_key='user_id',
        incremental_strategy='delete+insert',
        post_hook="{{ activity_metrics.drop_scratch_tables() }}",
        on_schema_change='fail',
    )
}}

{#-
    The copy of the user dimension that the last run used, one row per user
    ever seen, rewritten only when a user's classification changes: appears,
    disappears from the raw table, becomes (or stops being) staff or test, or
    gets another signup or deletion day. Each rewritten row keeps the values
    it replaces (previous_*) and the run that changed it (dbt_loaded_at), so
    that the activity events, the series and user_last_activity each find
    the users that changed since their own last run, and what they were.
    Small: one scan of the users table a night. The zone of every row is
    kept: a later build in another zone stops at start
    (check_reporting_timezone_unchanged) until a full refresh.
-#}

with

users as (

    select
        user_id,
        is_excluded,
        created_date,
        deleted_date
    from {{ ref('int_users_classified') }}
    where user_id is not null

),

stored_users as (

    {% if is_incremental() -%}
        select
            user_id,
            is_present,
            is_excluded,
            created_date,
            deleted_date
        from {{ this }}
    {%- else -%}
        -- first run: nothing stored, every user is new
        select
            cast(null as {{ dbt.type_bigint() }}) as user_id,
            cast(null as {{ dbt.type_boolean() }}) as is_present,
            cast(null as {{ dbt.type_boolean() }}) as is_excluded,
            cast(null as date) as created_date,
            cast(null as date) as deleted_date
        where 1 = 0
    {%- endif %}

),

users_compared as (

    select
        coalesce(users.user_id, stored_users.user_id) as user_id,
        users.user_id is not null as is_present,
        coalesce(users.is_excluded, false) as is_excluded,
        users.created_date,
        users.deleted_date,
        stored_users.user_id is not null as was_stored,
        stored_users.is_present as previous_is_present,
        stored_users.is_excluded as previous_is_excluded,
        stored_users.created_date as previous_created_date,
        stored_users.deleted_date as previous_deleted_date
    from users
    full outer join stored_users
        on users.user_id = stored_users.user_id

),

users_changed as (

    select *
    from users_compared
    where not was_stored
        or is_present != previous_is_present
        or is_excluded != previous_is_excluded
        or created_date is distinct from previous_created_date
        or deleted_date is distinct from previous_deleted_date

),

final as (

    select
        user_id,
        is_present,
        is_excluded,
        created_date,
        deleted_date,
        previous_is_present,
        previous_is_excluded,
        previous_created_date,
        previous_deleted_date,
        cast('{{ zone }}' as {{ dbt.type_string() }}) as reporting_timezone,
        {{ activity_metrics.run_stamp() }} as dbt_loaded_at
    from users_changed

)

select * from final
