{% macro safe_ratio(numerator, denominator) -%}
    {#- numerator / denominator as a double, null when the denominator is 0
        or null. -#}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as {{ activity_metrics.type_double() }})
            / cast({{ denominator }} as {{ activity_metrics.type_double() }})
    end
{%- endmacro %}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'activity_metrics')()) }}
{%- endmacro %}

{#- dbt.type_float() is a 4-byte float on DuckDB and Spark (7 digits: a
    share shows as 0.949999988): ratios are 8-byte doubles everywhere. -#}
{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
