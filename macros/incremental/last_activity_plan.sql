{% macro last_activity_rewritten_users() -%}
    {#- A predicate on user_id: the users a run of user_last_activity
        rewrites, SQL on the run's scope. Every user when it has no state
        (first run, full refresh, lost state) or its as-of date moved back;
        else the users with a user-day touched since its last run
        (int_run_touched_user_days), the users whose classification changed
        since (int_users_tracked), and the users active on the days after
        its as-of date. -#}
    {%- set as_of_date = activity_metrics.date_literal(activity_metrics.as_of_date()) -%}
    (
        (
            select
                last_state.built_as_of is null
                or last_state.events_loaded_through is null
                or last_state.users_loaded_through is null
                or last_state.built_as_of > {{ as_of_date }}
            from {{ ref('int_run_state') }} as last_state
            where last_state.model_name = 'user_last_activity'
        )
        or user_id in (
            select touched_days.user_id
            from ({{ activity_metrics.touched_user_days('user_last_activity') }}) as touched_days
            union
            select tracked_users.user_id
            from {{ ref('int_users_tracked') }} as tracked_users
            where tracked_users.dbt_loaded_at > {{ activity_metrics.run_state(
                'users_loaded_through', 'user_last_activity') }}
            union
            select user_days.user_id
            from {{ ref('fct_user_days') }} as user_days
            where user_days.activity_date > {{ activity_metrics.run_state(
                'built_as_of', 'user_last_activity') }}
        )
    )
{%- endmacro %}

{% macro delete_rewritten_users() %}
    {#- Pre-hook of user_last_activity: delete the users this run rewrites
        (a user flagged test is deleted and not written again). -#}
    {%- if is_incremental() -%}
        {{ activity_metrics.delete_rows(this, [activity_metrics.last_activity_rewritten_users()]) }}
    {%- endif -%}
{% endmacro %}
