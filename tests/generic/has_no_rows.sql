{% test has_no_rows(model) %}
{#- Fails (returns them) when the model has any row: for report models that
    list problems, such as unclassified event types. -#}
select *
from {{ model }}
{% endtest %}
