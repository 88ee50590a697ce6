{% macro first_counted_day(rebuild_start, full_build_days) -%}
    {#- The first day a model of the series computes: on a nightly run the
        series' rebuild start, never before the first counted day (a change to
        a rejected row dated 1900 rebuilds from then, but the series starts
        where a full build starts it); on a full build the first day of
        `full_build_days` (a relation or CTE with activity_date). -#}
    {%- if rebuild_start is not none -%}
        greatest(
            {{ activity_metrics.date_literal(rebuild_start) }},
            coalesce(
                (select min(activity_date) from {{ ref('fct_user_days') }}),
                {{ activity_metrics.date_literal(rebuild_start) }}
            )
        )
    {%- else -%}
        (select min(activity_date) from {{ full_build_days }})
    {%- endif -%}
{%- endmacro %}
