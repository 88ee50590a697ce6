{% macro session_settings() %}
    {{- return(adapter.dispatch('session_settings', 'activity_metrics')()) -}}
{% endmacro %}

{% macro default__session_settings() %}
    {#- Nothing to tune on embedded engines. -#}
{% endmacro %}

{% macro duckdb__session_settings() %}
    {#- DuckDB's worker threads when $ACTIVITY_DUCKDB_THREADS asks (unset: DuckDB's
        own default, every core). The profile sets memory_limit and temp_directory;
        threads has no neutral value a profile could default to, so it is set here,
        and only when asked. A global setting of the database: it holds for the run. -#}
    {%- set threads = env_var('ACTIVITY_DUCKDB_THREADS', '') | trim -%}
    {%- if threads -%}
        {%- if not threads.isdigit() or threads | int < 1 -%}
            {{- exceptions.raise_compiler_error(
                'ACTIVITY_DUCKDB_THREADS=' ~ threads
                ~ ' is not a number of threads (a whole number, 1 or more)') -}}
        {%- endif -%}
        set threads = {{ threads | int }}
    {%- endif -%}
{% endmacro %}

{% macro postgres__session_settings() %}
    {#- Sorts and hash aggregates over millions of user-days spill to disk at
        PostgreSQL's default work_mem of 4MB. -#}
    set work_mem = '{{ activity_metrics.checked_var("activity__postgres_work_mem") }}'
{% endmacro %}
