{% macro last_activity_plan() %}
    {#- What this run of user_last_activity rewrites: none = every user
        (first run, full refresh, lost state, or an as-of date moved back),
        else {'users_sql': a query of the user ids to rewrite}: users with a
        user-day the fact rewrote since this table last ran, users whose
        classification changed since then, and users active on the days
        since its as-of date. -#}
    {%- set state = activity_metrics.latest_run_state(
        ['events_loaded_through', 'users_loaded_through', 'built_as_of']) -%}
    {%- if state is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set as_of = activity_metrics.as_of_date() -%}
    {%- set built_as_of = activity_metrics.date_string(state.built_as_of) -%}
    {%- if as_of < built_as_of -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set fact_through = activity_metrics.applied_events_through() -%}
    {%- set users_sql -%}
        select user_id
        from ({{ activity_metrics.user_day_changes(
            ref('int_activity_events_classified'),
            state.events_loaded_through, fact_through) }}) as changed_user_days
        union
        select user_id
        from {{ ref('int_users_tracked') }}
        where dbt_loaded_at > {{ activity_metrics.timestamp_literal(
            state.users_loaded_through) }}
        union
        select user_id
        from {{ ref('fct_user_days') }}
        where activity_date > {{ activity_metrics.date_literal(built_as_of) }}
    {%- endset -%}
    {{- return({'users_sql': users_sql}) -}}
{% endmacro %}

{% macro delete_rewritten_users() %}
    {#- Pre-hook of user_last_activity: delete the users this run rewrites
        (a user flagged test is deleted and not written again). -#}
    {%- set plan = activity_metrics.last_activity_plan() -%}
    {%- if is_incremental() and plan is not none -%}
        {{ activity_metrics.delete_rows(this, ['user_id in (' ~ plan.users_sql ~ ')']) }}
    {%- elif is_incremental() -%}
        {{ activity_metrics.delete_rows(this) }}
    {%- endif -%}
{% endmacro %}
