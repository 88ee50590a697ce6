{% macro to_utc_timestamp(source_relation, column_name) %}
    {#- Normalise a raw timestamp column to a naive UTC `timestamp`, whether
        the raw type is `timestamp` (naive, meaning UTC), `timestamptz`, or
        text (an app that stores ISO strings): text with an offset
        ('2026-11-17 08:00:00-05') is read as the instant it names, text
        without one as UTC; never shifted by the session time zone. The raw
        type is read from the database at run time. -#}
    {#- a namespace: a plain `set` inside the loop would not outlive it -#}
    {%- set found = namespace(data_type=none) -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(source_relation) -%}
            {%- if column.name | lower == column_name | lower -%}
                {%- set found.data_type = column.data_type | lower -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set data_type = found.data_type -%}
    {%- if data_type is none -%}
        {%- set kind = 'naive' -%}
    {%- elif 'with time zone' in data_type or 'timestamptz' in data_type -%}
        {%- set kind = 'zoned' -%}
    {%- elif 'char' in data_type or 'text' in data_type or 'string' in data_type -%}
        {%- set kind = 'text' -%}
    {%- else -%}
        {%- set kind = 'naive' -%}
    {%- endif -%}
    {{- return(adapter.dispatch('to_utc_timestamp', 'activity_metrics')(
        column_name, kind)) -}}
{% endmacro %}

{% macro text_offset_pattern() -%}
    {#- A time of day followed by a UTC offset (Z, +05, -05:00, +0530). -#}
    [0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$
{%- endmacro %}

{% macro default__to_utc_timestamp(column_name, kind) -%}
    {#- PostgreSQL and DuckDB: `at time zone 'UTC'` turns an instant into UTC
        wall time on both. -#}
    {%- if kind == 'zoned' -%}
        cast(({{ column_name }} at time zone 'UTC') as {{ dbt.type_timestamp() }})
    {%- elif kind == 'text' -%}
        case
            when {{ activity_metrics.regex_search(
                column_name, activity_metrics.text_offset_pattern()) }}
                then cast((cast({{ column_name }} as timestamptz) at time zone 'UTC')
                    as {{ dbt.type_timestamp() }})
            else cast({{ column_name }} as {{ dbt.type_timestamp() }})
        end
    {%- else -%}
        cast({{ column_name }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro regex_search(expression, pattern) -%}
    {#- True when the pattern matches somewhere in the text (dispatched). -#}
    {{- adapter.dispatch('regex_search', 'activity_metrics')(expression, pattern) -}}
{%- endmacro %}

{% macro default__regex_search(expression, pattern) -%}
    {{ expression }} ~ '{{ pattern }}'
{%- endmacro %}

{% macro duckdb__regex_search(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_search(expression, pattern) -%}
    {{ expression }} rlike '{{ pattern }}'
{%- endmacro %}

{% macro spark__to_utc_timestamp(column_name, kind) -%}
    {#- Spark timestamps are instants shown in the session zone; Spark's own
        cast reads an offset in text. -#}
    to_utc_timestamp(cast({{ column_name }} as timestamp), current_timezone())
{%- endmacro %}
