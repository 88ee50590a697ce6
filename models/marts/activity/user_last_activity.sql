{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_rewritten_users() }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_users_tracked') }}
-- depends_on: {{ ref('int_run_state') }}
-- depends_on: {{ ref('int_run_touched_user_days') }}

{#
    The single source of truth of "last seen": one row per user who is
    neither staff nor test. A nightly run rewrites only the users whose
    user-days or classification changed (last_activity_rewritten_users, SQL on the run's scope), a merge of
    a few thousand rows instead of a rebuild from every user-day.
-#}

with

users as (

    select
        user_id,
        created_at,
        deleted_at,
        app_last_activity_at
    from {{ ref('int_users_classified') }}
    where not is_excluded
    {%- if is_incremental() %}
        and {{ activity_metrics.last_activity_rewritten_users() }}
    {%- endif %}

),

user_days as (

    select
        user_id,
        activity_date,
        first_activity_at,
        last_activity_at,
        last_activity_source
    from {{ ref('fct_user_days') }}
    {%- if is_incremental() %}
    where user_id in (select users.user_id from users)
    {%- endif %}

),

user_days_ranked as (

    select
        user_id,
        activity_date,
        last_activity_at,
        last_activity_source,
        min(first_activity_at) over (partition by user_id) as first_activity_at,
        min(activity_date) over (partition by user_id) as first_activity_date,
        count(*) over (partition by user_id) as active_days,
        row_number() over (
            partition by user_id order by activity_date desc
        ) as recency_rank
    from user_days

),

last_user_days as (

    select
        user_id,
        activity_date as last_activity_date,
        first_activity_at,
        first_activity_date,
        last_activity_at,
        last_activity_source,
        active_days
    from user_days_ranked
    where recency_rank = 1

),

final as (

    select
        users.user_id,
        last_user_days.first_activity_at,
        last_user_days.last_activity_at,
        last_user_days.last_activity_source,
        last_user_days.first_activity_date,
        last_user_days.last_activity_date,
        cast(coalesce(last_user_days.active_days, 0) as {{ dbt.type_bigint() }})
            as active_days,
        users.app_last_activity_at,
        -- whole seconds on every engine (PostgreSQL's datediff in seconds is a float)
        cast({{ dbt.datediff(
            'users.app_last_activity_at',
            'last_user_days.last_activity_at',
            'second') }} as {{ dbt.type_bigint() }}) as app_lag_seconds,
        users.created_at,
        users.deleted_at,
        {{ activity_metrics.date_literal(activity_metrics.as_of_date()) }}
            as built_as_of,
        {{ activity_metrics.applied_change_stamps() }}
    from users
    left join last_user_days
        on users.user_id = last_user_days.user_id

)

select * from final
