{% test unique_combination_of_columns(
    model, combination_of_columns, latest_run_only=false, within_latest_run=false
) %}
{#- Fails on every combination of the columns that occurs more than once,
    or that has a null part: the primary key test of composite grains.
    latest_run_only: only the keys that the model's latest run wrote (an
    incremental model's nightly guard), counted over the whole table, so a
    duplicate of an older row is caught too (a semi-join on tonight's keys:
    no sort or hash of every key of history).
    within_latest_run: count only among the latest run's rows (for a table
    written by dbt's delete+insert on this key, where a duplicate of an older
    row cannot arise; the full-table test runs weekly). -#}
{%- set columns = combination_of_columns | join(', ') -%}
with

{% if within_latest_run -%}
key_counts as (

    select
        {{ columns }},
        count(*) as occurrences
    from {{ model }}
    {{ activity_metrics.latest_run_filter(model) }}
    group by {{ columns }}

)
{%- elif latest_run_only -%}
key_counts as (

    -- every row that shares a key with tonight's rows (a semi-join: one
    -- hash of tonight's keys, one pass over the table)
    select
        {{ columns }},
        count(*) as occurrences
    from {{ model }}
    where ({{ columns }}) in (
        select {{ columns }}
        from {{ model }}
        {{ activity_metrics.latest_run_filter(model) }}
    )
    group by {{ columns }}

)
{%- else -%}
key_counts as (

    select
        {{ columns }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns }}

)
{%- endif %}

select *
from key_counts
where occurrences > 1
    {% for column in combination_of_columns -%}
    or {{ column }} is null
    {% endfor %}
{% endtest %}
