{% test no_date_gaps(model, column_name) %}
{#- Fails when the dates in the column are not one row per calendar day from
    the first to the last: returns the count of days found and expected. -#}
with

bounds as (

    select
        min({{ column_name }}) as first_day,
        max({{ column_name }}) as last_day,
        count(*) as days_found,
        count(distinct {{ column_name }}) as distinct_days_found
    from {{ model }}

)

select *
from bounds
where first_day is not null
    and (
        days_found != distinct_days_found
        or days_found != {{ dbt.datediff('first_day', 'last_day', 'day') }} + 1
    )
{% endtest %}
