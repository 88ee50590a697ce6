{% test unique_combination_of_columns(model, combination_of_columns) %}
{#- Fails on every combination of the columns that occurs more than once,
    or that has a null part: the primary key test of composite grains. -#}
with

key_counts as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select *
from key_counts
where occurrences > 1
    {% for column in combination_of_columns -%}
    or {{ column }} is null
    {% endfor %}
{% endtest %}
