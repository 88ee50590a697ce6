{% macro session_settings() %}
    {{- return(adapter.dispatch('session_settings', 'activity_metrics')()) -}}
{% endmacro %}

{% macro default__session_settings() %}
    {#- Nothing to tune on embedded engines. -#}
{% endmacro %}

{% macro postgres__session_settings() %}
    {#- Sorts and hash aggregates over millions of user-days spill to disk at
        PostgreSQL's default work_mem of 4MB. -#}
    set work_mem = '{{ activity_metrics.checked_var("activity__postgres_work_mem") }}'
{% endmacro %}
