{% macro as_of_date() -%}
    {#- The as-of date (YYYY-MM-DD string) in the reporting zone: the var
        activity__as_of_date, else $ACTIVITY_AS_OF_DATE, else yesterday in the
        reporting zone. Decided when the run executes, never from a value that
        changes every night at parse time: a plain nightly `dbt build` (and one
        given its date by the environment) keeps dbt's partial parsing from
        one night to the next; a --vars value that changes re-parses the whole
        project. No model calls now(). -#}
    {%- set configured = activity_metrics.checked_date_var('activity__as_of_date') -%}
    {%- if configured is not none -%}
        {{- return(configured) -}}
    {%- endif -%}
    {%- set from_environment = activity_metrics.as_of_date_from_environment() -%}
    {%- if from_environment is not none -%}
        {{- return(from_environment) -}}
    {%- endif -%}
    {%- set zone = modules.pytz.timezone(activity_metrics.reporting_timezone()) -%}
    {%- set today = modules.datetime.datetime.now(zone).date() -%}
    {{- return((today - modules.datetime.timedelta(days=1)).isoformat()) -}}
{%- endmacro %}

{% macro as_of_date_from_environment() -%}
    {#- $ACTIVITY_AS_OF_DATE (YYYY-MM-DD), or none; read only when the run
        executes (at parse time it is not read, so dbt does not tie the parsed
        files to its value and re-parse them when it changes). -#}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set value = env_var('ACTIVITY_AS_OF_DATE', '') | trim -%}
    {%- if value == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set problem = activity_metrics.date_text_problem(
        'ACTIVITY_AS_OF_DATE', value) -%}
    {%- if problem is not none -%}
        {{- exceptions.raise_compiler_error(problem) -}}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}
