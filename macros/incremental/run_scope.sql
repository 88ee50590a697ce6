{% macro stored_relation(model_name) %}
    {#- The table a model of this project wrote in an earlier run, or none
        (never built, dropped, or at parse time). The one place where a value
        is needed while a model compiles: the scope models (int_run_state,
        int_run_source_marks) read the stamps of models downstream of them,
        which they cannot ref (a cycle), so they find the table from the
        manifest (graph.nodes) and ask dbt's relation cache, filled when the
        run starts, whether it exists: no query. Every other decision of a
        nightly run is SQL on the scope models. -#}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.activity_metrics.' ~ model_name) -%}
    {%- if node is none -%}
        {{- exceptions.raise_compiler_error(
            "stored_relation: no model named " ~ model_name) -}}
    {%- endif -%}
    {{- return(adapter.get_relation(
        database=node.database, schema=node.schema,
        identifier=node.alias or node.name)) -}}
{% endmacro %}

{% macro stateful_models() %}
    {#- The incremental models whose next run depends on what their last run
        did, with the stamps they write on every row (CONTRACT: bookkeeping
        columns) and the newest day they hold. int_run_state freezes them
        when a run starts, before any of these models writes. -#}
    {{- return([
        {'name': 'int_activity_events_classified',
         'columns': ['users_loaded_through'], 'newest_day': none},
        {'name': 'int_activity_rows_daily',
         'columns': ['events_loaded_through'], 'newest_day': none},
        {'name': 'fct_user_days',
         'columns': ['events_loaded_through', 'built_as_of'],
         'newest_day': 'max(activity_date)'},
        {'name': 'user_last_activity',
         'columns': ['events_loaded_through', 'users_loaded_through', 'built_as_of'],
         'newest_day': none},
        {'name': 'int_rolling_actives_daily',
         'columns': ['events_loaded_through', 'users_loaded_through'],
         'newest_day': 'max(date_day)'},
        {'name': 'fct_active_days_distribution_daily',
         'columns': ['events_loaded_through', 'users_loaded_through'],
         'newest_day': 'max(date_day)'},
        {'name': 'fct_growth_accounting',
         'columns': ['events_loaded_through', 'users_loaded_through'],
         'newest_day': "max(case when period_type = 'day' then period_start end)"},
        {'name': 'fct_stickiness',
         'columns': ['events_loaded_through', 'users_loaded_through'],
         'newest_day': 'max(last_counted_date)'},
        {'name': 'fct_retention_cohorts',
         'columns': ['events_loaded_through', 'users_loaded_through'],
         'newest_day': 'max(activity_month)'},
    ]) -}}
{% endmacro %}

{% macro series_models() %}
    {#- The models recomputed from a rebuild start (int_run_rebuild_starts). -#}
    {{- return(activity_metrics.stateful_models()
        | selectattr('newest_day') | rejectattr('name', 'equalto', 'fct_user_days')
        | map(attribute='name') | list) -}}
{% endmacro %}

{% macro run_state(column, model_name=none) -%}
    {#- A scalar subquery: one stamp of a model's last committed run, as
        int_run_state froze it when this run started (null: rebuild it all).
        model_name defaults to the model being compiled. -#}
    (
        select run_state.{{ column }}
        from {{ ref('int_run_state') }} as run_state
        where run_state.model_name = '{{ model_name or this.identifier }}'
    )
{%- endmacro %}

{% macro rebuild_start(model_name=none) -%}
    {#- A scalar expression: the first day a model of the series recomputes
        tonight (int_run_rebuild_starts), null when it is built in full (its
        first run, a full refresh, or no state). model_name defaults to the
        model being compiled; an ephemeral half of a model passes its name. -#}
    {%- set scope = ref('int_run_rebuild_starts') -%}
    {%- set incremental = is_incremental() if model_name is none
        else (not flags.FULL_REFRESH
            and activity_metrics.stored_relation(model_name) is not none) -%}
    {%- if incremental -%}
    {{ adapter.dispatch('rebuild_start_value', 'activity_metrics')(
        scope, model_name or this.identifier) }}
    {%- else -%}
    cast(null as date)
    {%- endif -%}
{%- endmacro %}

{% macro default__rebuild_start_value(scope, model_name) -%}
    (
        select rebuild_starts.rebuild_start
        from {{ scope }} as rebuild_starts
        where rebuild_starts.model_name = '{{ model_name }}'
    )
{%- endmacro %}

{% macro duckdb__rebuild_start_value(scope, model_name) -%}
    {#- DuckDB pushes a filter on a constant into the scans (its zone maps skip
        the old row groups) but not one on a scalar subquery: the sweep's read
        of the recent user-days took 1.6 s instead of 0.47 s at size M
        (measured on its compiled SQL, same result). A session variable, set
        by the model's pre-hook (set_rebuild_start), is a constant when the
        query is planned. -#}
    cast(getvariable('activity_rebuild_start__{{ model_name }}') as date)
{%- endmacro %}

{% macro set_rebuild_start() %}
    {#- Pre-hook part of the series models: on DuckDB, the session variable
        that rebuild_start reads (nothing elsewhere). -#}
    {{- return(adapter.dispatch('set_rebuild_start', 'activity_metrics')()) -}}
{% endmacro %}

{% macro default__set_rebuild_start() %}{% endmacro %}

{% macro duckdb__set_rebuild_start() -%}
    set variable activity_rebuild_start__{{ this.identifier }} = {{
        activity_metrics.default__rebuild_start_value(
            ref('int_run_rebuild_starts'), this.identifier) }};
{%- endmacro %}

{% macro fact_events_loaded_through() -%}
    {#- A scalar subquery: the newest activity-event stamp the user-day fact
        has applied (its latest committed run): the models downstream of it
        write it on their rows, and their next run reads it back. -#}
    (
        select max(user_days.events_loaded_through)
        from {{ ref('fct_user_days') }} as user_days
        where user_days.dbt_loaded_at = (
            select max(newest.dbt_loaded_at) from {{ ref('fct_user_days') }} as newest
        )
    )
{%- endmacro %}

{% macro applied_change_stamps() %}
    {#- The bookkeeping columns of the models downstream of the user-day fact
        (the series, the period marts, user_last_activity): the activity
        events the fact had applied, the newest users change, and this run's
        stamp. Their next run reads them back (int_run_state). -#}
    {{ activity_metrics.fact_events_loaded_through() }} as events_loaded_through,
    (
        select max(tracked_users.dbt_loaded_at)
        from {{ ref('int_users_tracked') }} as tracked_users
    ) as users_loaded_through,
    {{ activity_metrics.run_stamp() }} as dbt_loaded_at
{%- endmacro %}

{% macro earliest_day() -%}
    {#- The stand-in for "no lower bound" in the scope's day comparisons. -#}
    cast('1000-01-01' as date)
{%- endmacro %}

{% macro events_read_in_full() %}
    {#- Whether this run of int_activity_events_classified reads every raw
        row: its first run, a full refresh, or its table lost (the
        high-water marks with it). -#}
    {{- return(flags.FULL_REFRESH
        or activity_metrics.stored_relation('int_activity_events_classified') is none) -}}
{% endmacro %}

{% macro source_mark(source_name, column) -%}
    {#- A scalar subquery: a source's read bound (int_run_source_marks). -#}
    (
        select marks.{{ column }}
        from {{ ref('int_run_source_marks') }} as marks
        where marks.source_name = '{{ source_name }}'
    )
{%- endmacro %}

{% macro users_changed_since_classified() -%}
    {#- The users whose flags (staff, test, deleted) changed after the classified
        events were last written: their stored rows are classified again. One
        definition, read by the rows this run classifies and by the events in its
        scope. -#}
    select tracked_users.user_id
    from {{ ref('int_users_tracked') }} as tracked_users
    where tracked_users.dbt_loaded_at > {{ activity_metrics.run_state(
        'users_loaded_through', 'int_activity_events_classified') }}
{%- endmacro %}
