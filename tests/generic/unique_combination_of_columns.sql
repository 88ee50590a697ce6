{% test unique_combination_of_columns(
    model, combination_of_columns, latest_run_only=false, within_latest_run=false
) %}
{#- Fails on every combination of the columns that occurs more than once,
    or that has a null part: the primary key test of composite grains.
    latest_run_only: only the keys that the model's latest run wrote (an
    incremental model's nightly guard), counted over the whole table, so a
    duplicate of an older row is caught too; driven from tonight's keys (an
    index lookup per key), never a scan of every key of history.
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
keys_written as (

    select distinct {{ columns }}
    from {{ model }}
    {{ activity_metrics.latest_run_filter(model) }}

),

key_counts as (

    select
        {% for column in combination_of_columns -%}
            keys_written.{{ column }},
        {% endfor -%}
        (
            select count(*)
            from {{ model }} as all_rows
            where
                {% for column in combination_of_columns -%}
                    all_rows.{{ column }} = keys_written.{{ column }}
                    {%- if not loop.last %} and {% endif %}
                {% endfor %}
        ) as occurrences
    from keys_written

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
