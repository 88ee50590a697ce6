{% macro to_utc_timestamp(source_relation, column_name) %}
    {#- Normalise a raw timestamp column to a naive UTC `timestamp`, whether
        the raw type is `timestamp` (naive, meaning UTC) or `timestamptz`,
        without depending on the session time zone. The raw type is read from
        the database at run time. -#}
    {%- set data_type = none -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(source_relation) -%}
            {%- if column.name | lower == column_name | lower -%}
                {%- set data_type = column.data_type | lower -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set has_zone = data_type is not none and (
        'with time zone' in data_type or 'timestamptz' in data_type) -%}
    {{- return(adapter.dispatch('to_utc_timestamp', 'activity_metrics')(
        column_name, has_zone)) -}}
{% endmacro %}

{% macro default__to_utc_timestamp(column_name, has_zone) -%}
    {%- if has_zone -%}
        cast(({{ column_name }} at time zone 'UTC') as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast({{ column_name }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro spark__to_utc_timestamp(column_name, has_zone) -%}
    {#- Spark timestamps are instants shown in the session zone. -#}
    to_utc_timestamp({{ column_name }}, current_timezone())
{%- endmacro %}
