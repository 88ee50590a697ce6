{% macro reporting_timezone() -%}
    {#- The IANA reporting zone from the var, validated. -#}
    {%- set problem = activity_metrics.timezone_problem() -%}
    {%- if problem is not none and execute -%}
        {{- exceptions.raise_compiler_error(problem) -}}
    {%- elif problem is not none -%}
        {{- return('UTC') -}}  {#- parse time: on-run-start names it -#}
    {%- endif -%}
    {{- return(var('activity__timezone', 'UTC') | string | trim) -}}
{%- endmacro %}

{% macro timezone_problem() -%}
    {#- What is wrong with activity__timezone, or none. -#}
    {%- set zone = var('activity__timezone', 'UTC') | string | trim -%}
    {%- if zone not in modules.pytz.all_timezones -%}
        {{- return("activity__timezone='" ~ zone ~ "' is not an IANA time zone "
            ~ "name (examples: UTC, America/Bogota, Asia/Kolkata).") -}}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}
