{% macro series_rebuild_start(newest_day_query=none) %}
    {#- The first day of fct_active_users_daily that this run recomputes
        (YYYY-MM-DD string), or none to rebuild it all. Every earlier day
        keeps its value, and the last of them seeds the running sums. The
        candidates, all read from committed rows (a killed run leaves them
        as they were, and the next run redoes its work):
        - the day after the newest day built, and the day after the as-of
          date (the days the series does not have yet, or no longer wants);
        - the earliest user-day touched by the activity events that the
          user-day fact has applied since this series last ran (late rows of
          any age, reclassified users);
        - the earliest signup or deletion day, old or new, of the users whose
          classification changed since this series last ran (total_users);
        - the backfill start.
        newest_day_query: the query of the newest day this model holds
        (default: max(date_day) of `this`). -#}
    {%- set state = activity_metrics.latest_run_state(
        ['events_loaded_through', 'users_loaded_through']) -%}
    {%- if state is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set as_of = activity_metrics.as_of_date() -%}
    {%- set newest = activity_metrics.query_value(
        newest_day_query or 'select max(date_day) from ' ~ this) -%}
    {%- if newest is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set candidates = [
        activity_metrics.shift_date_string(activity_metrics.date_string(newest), 1),
        activity_metrics.shift_date_string(as_of, 1),
    ] -%}
    {%- set fact_through = activity_metrics.applied_events_through() -%}
    {%- if fact_through is not none -%}
        {%- set changes = activity_metrics.user_day_changes_bounds(
            ref('int_activity_events_classified'),
            state.events_loaded_through, fact_through) -%}
        {%- if changes.first_day is not none -%}
            {%- do candidates.append(changes.first_day) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set users_query -%}
        select min(changed_day)
        from (
            {% for column in ['created_date', 'previous_created_date',
                'deleted_date', 'previous_deleted_date'] -%}
                select {{ column }} as changed_day
                from {{ ref('int_users_tracked') }}
                where dbt_loaded_at > {{ activity_metrics.timestamp_literal(
                    state.users_loaded_through) }}
                {% if not loop.last %}union all{% endif %}
            {% endfor -%}
        ) as user_changes
    {%- endset -%}
    {%- set first_user_change = activity_metrics.query_value(users_query) -%}
    {%- if first_user_change is not none -%}
        {%- do candidates.append(activity_metrics.date_string(first_user_change)) -%}
    {%- endif -%}
    {%- set backfill = activity_metrics.backfill_range() -%}
    {%- if backfill is not none -%}
        {%- do candidates.append(backfill.start) -%}
    {%- endif -%}
    {{- return(candidates | min) -}}
{% endmacro %}

{% macro applied_events_through() %}
    {#- The newest activity-event stamp that fct_user_days has
        applied (its latest committed run), or none (also in unit tests,
        where `this` is none and refs are fixtures). -#}
    {%- if not execute or this is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set fact = ref('fct_user_days') -%}
    {%- if adapter.get_relation(fact.database, fact.schema, fact.identifier) is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(activity_metrics.query_value(
        'select max(events_loaded_through) from ' ~ fact
        ~ ' where dbt_loaded_at = (select max(dbt_loaded_at) from ' ~ fact ~ ')')) -}}
{% endmacro %}

{% macro applied_change_stamps() %}
    {#- The bookkeeping columns of the models downstream of the user-day fact
        (the series, the method comparison, user_last_activity): the activity
        events the fact had applied, the newest users change, and this run's
        stamp. Their next run reads them back (latest_run_state) to know what
        changed since. -#}
    {{ activity_metrics.timestamp_literal(
        activity_metrics.applied_events_through()) }} as events_loaded_through,
    (
        select max(tracked_users.dbt_loaded_at)
        from {{ ref('int_users_tracked') }} as tracked_users
    ) as users_loaded_through,
    {{ activity_metrics.run_stamp() }} as dbt_loaded_at
{%- endmacro %}
