{% macro run_lock_key() -%}
    {#- The PostgreSQL advisory lock key of a nightly run on this warehouse
        (the CLI holds it for the whole run; see acquire_run_lock). -#}
    {#- non-negative, so that pg_locks shows it as classid 0, objid key -#}
    (hashtext('activity_metrics:' || current_database() || ':{{ target.schema }}') & 2147483647)
{%- endmacro %}

{% macro acquire_run_lock() %}
    {#- on-run-start: one nightly run at a time per warehouse. -#}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {{- adapter.dispatch('acquire_run_lock', 'activity_metrics')() -}}
    {%- endif -%}
{% endmacro %}

{% macro default__acquire_run_lock() %}
    {#- DuckDB: the file itself admits one writing process at a time. -#}
{% endmacro %}

{% macro postgres__acquire_run_lock() %}
    {#- Two overlapping runs would each plan their rewrite from what the other
        has not committed yet. dbt closes its connections between nodes, so
        no session lock survives a run: `activity-metrics build` holds an
        advisory lock on a connection of its own for the whole run, and a
        plain `dbt build` records itself in activity_run_lock. A run stops
        when the CLI's lock is held by another session, or when another run's
        row is there and a session of that run is still connected (every
        statement carries its invocation id: query-comment in dbt_project.yml;
        a killed run leaves its row but no session, so the next run takes
        over). The CLI passes
        the PostgreSQL pid of its lock's session in ACTIVITY_RUN_LOCK_PID. -#}
    {%- set lock_table = target.schema ~ '.activity_run_lock' -%}
    {%- do run_query('create schema if not exists ' ~ target.schema) -%}
    {%- do run_query(
        'create table if not exists ' ~ lock_table
        ~ ' (lock_id integer primary key, invocation_id text not null,'
        ~ ' started_at timestamptz not null)') -%}
    {%- set held = run_query(
        "select activity.pid, activity.backend_start"
        ~ " from pg_locks as locks inner join pg_stat_activity as activity"
        ~ " on locks.pid = activity.pid"
        ~ " where locks.locktype = 'advisory' and locks.granted"
        ~ " and locks.pid <> pg_backend_pid()"
        ~ " and locks.pid <> " ~ (env_var('ACTIVITY_RUN_LOCK_PID', '0') | int)
        ~ " and locks.objid = (" ~ activity_metrics.run_lock_key() ~ ")::oid"
        ~ " and locks.classid = 0") -%}
    {%- if held.rows | length > 0 -%}
        {{- exceptions.raise_compiler_error(
            "another run holds the lock on " ~ target.schema ~ " since "
            ~ held.rows[0][1] ~ " (activity-metrics, PostgreSQL pid "
            ~ held.rows[0][0] ~ "): wait for it to finish.") -}}
    {%- endif -%}
    {%- set holder = run_query(
        "select invocation_id, started_at from " ~ lock_table
        ~ " where lock_id = 1 and invocation_id <> '" ~ invocation_id ~ "'") -%}
    {%- if holder.rows | length > 0 -%}
        {#- alive while any session still runs (or last ran) a statement of
            that run; sampled three times, so that the moment between two
            of its models (dbt closes a node's connection) is not mistaken
            for its end -#}
        {%- set alive = namespace(sessions=0) -%}
        {%- for sample in range(3) -%}
            {%- if sample > 0 -%}
                {%- do run_query('select pg_sleep(0.3)') -%}
            {%- endif -%}
            {%- set found = run_query(
                "select count(*) from pg_stat_activity where pid <> pg_backend_pid()"
                ~ " and query like '%activity_metrics run " ~ holder.rows[0][0] ~ "%'") -%}
            {%- set alive.sessions = alive.sessions + found.rows[0][0] -%}
        {%- endfor -%}
        {%- if alive.sessions > 0 -%}
            {{- exceptions.raise_compiler_error(
                "another run holds the lock on " ~ target.schema ~ " since "
                ~ holder.rows[0][1] ~ " (dbt invocation " ~ holder.rows[0][0]
                ~ ", still connected): wait for it to finish.") -}}
        {%- endif -%}
    {%- endif -%}
    {%- do run_query(
        "insert into " ~ lock_table ~ " (lock_id, invocation_id, started_at)"
        ~ " values (1, '" ~ invocation_id ~ "', now())"
        ~ " on conflict (lock_id) do update set invocation_id = excluded.invocation_id,"
        ~ " started_at = excluded.started_at; commit") -%}
{% endmacro %}

{% macro release_run_lock() %}
    {#- on-run-end: the run's row of activity_run_lock goes (PostgreSQL). -#}
    {%- if execute and flags.WHICH in ('build', 'run') and target.type == 'postgres' -%}
        {%- do run_query(
            "delete from " ~ target.schema ~ ".activity_run_lock"
            ~ " where invocation_id = '" ~ invocation_id ~ "'; commit") -%}
    {%- endif -%}
{% endmacro %}
