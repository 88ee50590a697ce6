{% test expression_is_true(model, expression, column_name=none, latest_run_only=false) %}
{#- Fails on every row where the boolean expression is not true (false or
    null). latest_run_only: only the rows the model's latest run wrote. -#}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{%- if latest_run_only %}
    and dbt_loaded_at = (select max(dbt_loaded_at) from {{ model }})
{%- endif %}
{% endtest %}
