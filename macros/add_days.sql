{% macro add_days(date_expression, days) -%}
    {#- A date plus a whole number of calendar days, still a date. -#}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}
