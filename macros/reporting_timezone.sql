{% macro reporting_timezone() -%}
    {#- The IANA reporting zone from the var, validated. -#}
    {%- set zone = var('activity__timezone', 'UTC') | string | trim -%}
    {%- if zone not in modules.pytz.all_timezones -%}
        {{- exceptions.raise_compiler_error(
            "activity__timezone='" ~ zone ~ "' is not an IANA time zone "
            ~ "name (examples: UTC, America/Bogota, Asia/Kolkata).") -}}
    {%- endif -%}
    {{- return(zone) -}}
{%- endmacro %}
