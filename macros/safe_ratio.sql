{% macro safe_ratio(numerator, denominator) -%}
    {#- numerator / denominator as a float, null when the denominator is 0
        or null. -#}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as {{ dbt.type_float() }})
            / cast({{ denominator }} as {{ dbt.type_float() }})
    end
{%- endmacro %}
