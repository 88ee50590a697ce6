{% macro day_series(start_date, end_date) %}
    {#- A relation of every calendar day from start_date to end_date, both
        inclusive, as column date_day. Steps calendar days, never 24 hours. -#}
    {{- return(adapter.dispatch('day_series', 'activity_metrics')(
        start_date, end_date)) -}}
{% endmacro %}

{% macro default__day_series(start_date, end_date) -%}
    select
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', start_date) }}
            as date) as date_day
    from generate_series(
        0, {{ dbt.datediff(start_date, end_date, 'day') }}
    ) as day_offsets (day_offset)
{%- endmacro %}

{% macro spark__day_series(start_date, end_date) -%}
    {#- sequence() counts down when the start is after the end: an empty
        range must stay empty, as generate_series leaves it. -#}
    select date_day
    from (
        select explode(sequence(
            {{ start_date }}, greatest({{ start_date }}, {{ end_date }})
        )) as date_day
    ) as days
    where date_day <= {{ end_date }}
{%- endmacro %}
