{% macro as_of_date() -%}
    {#- The as-of date (YYYY-MM-DD string) in the reporting zone: the var, or
        yesterday in the reporting zone. Computed at compile time so no model
        calls now(). -#}
    {%- set configured = activity_metrics.checked_date_var('activity__as_of_date') -%}
    {%- if configured is not none -%}
        {{- return(configured) -}}
    {%- endif -%}
    {%- set zone = modules.pytz.timezone(activity_metrics.reporting_timezone()) -%}
    {%- set today = modules.datetime.datetime.now(zone).date() -%}
    {{- return((today - modules.datetime.timedelta(days=1)).isoformat()) -}}
{%- endmacro %}
