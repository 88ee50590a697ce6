{% macro source_loaded_at(source_relation, source_name) %}
    {#- The loader's timestamp of a raw row (Fivetran's _fivetran_synced,
        Airbyte's _airbyte_extracted_at, ...) when the var
        activity__loaded_at_columns names one for this source, else null: the
        activity events then find new rows by the primary key's high-water
        mark instead. -#}
    {%- set column = var('activity__loaded_at_columns', {}).get(source_name) -%}
    {%- if column -%}
        {{- activity_metrics.to_utc_timestamp(source_relation, column) -}}
    {%- else -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- endif -%}
{% endmacro %}
