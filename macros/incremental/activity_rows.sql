{% macro backfill_range() %}
    {#- The backfill vars as {'start', 'end'} (YYYY-MM-DD), or none. -#}
    {%- set start = activity_metrics.checked_date_var('activity__backfill_start_date') -%}
    {%- if start is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return({'start': start,
        'end': activity_metrics.checked_date_var('activity__backfill_end_date')}) -}}
{% endmacro %}

{% macro source_category_of(source_name_column) -%}
    {#- The activity category a source implies (null for the touch log,
        whose rows are classified by event type through the seed). -#}
    case {{ source_name_column }}
        {%- for activity_source in activity_metrics.activity_sources()
            if activity_source.category %}
        when '{{ activity_source.source_name }}'
            then '{{ activity_source.category }}'
        {%- endfor %}
    end
{%- endmacro %}
