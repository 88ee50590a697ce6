{% test unique_combination_of_columns(model, combination_of_columns, latest_run_only=false) %}
{#- Fails on every combination of the columns that occurs more than once,
    or that has a null part: the primary key test of composite grains.
    latest_run_only: only the keys that the model's latest run wrote (an
    incremental model's nightly guard: duplicates with older rows included,
    without reading every key of history). -#}
{%- set columns = combination_of_columns | join(', ') -%}
with

checked_rows as (

    select {{ columns }}
    from {{ model }}
    {%- if latest_run_only %}
    where ({{ columns }}) in (
        select {{ columns }}
        from {{ model }}
        {{ activity_metrics.latest_run_filter(model) }}
    )
    {%- endif %}

),

key_counts as (

    select
        {{ columns }},
        count(*) as occurrences
    from checked_rows
    group by {{ columns }}

)

select *
from key_counts
where occurrences > 1
    {% for column in combination_of_columns -%}
    or {{ column }} is null
    {% endfor %}
{% endtest %}
