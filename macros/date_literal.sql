{% macro date_literal(date_string) -%}
    {#- A SQL date literal for a YYYY-MM-DD string. -#}
    cast('{{ date_string }}' as date)
{%- endmacro %}
