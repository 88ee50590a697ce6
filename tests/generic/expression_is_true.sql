{% test expression_is_true(model, expression, column_name=none) %}
{#- Fails on every row where the boolean expression is not true (false or
    null). -#}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
