{% macro first_counted_day(full_build_days) -%}
    {#- The first day a model of the series computes: on a nightly run its
        rebuild start (int_run_rebuild_starts), never before the first
        counted day (a change to a rejected row dated 1900 rebuilds from
        then, but the series starts where a full build starts it); on a full
        build the first day of `full_build_days` (a relation or CTE with
        activity_date). -#}
    case
        when {{ activity_metrics.rebuild_start() }} is null
            then (select min(full_build_days.activity_date)
                from {{ full_build_days }} as full_build_days)
        else greatest(
            {{ activity_metrics.rebuild_start() }},
            coalesce(
                (select min(user_days.activity_date)
                    from {{ ref('fct_user_days') }} as user_days),
                {{ activity_metrics.rebuild_start() }}
            )
        )
    end
{%- endmacro %}

{% macro rebuilt_from(period_type='day', model_name=none) -%}
    {#- The first day (period_type 'day') or period (week, month) a model of
        the series recomputes tonight, the earliest day when it is rebuilt in
        full: a date expression for the pre-hook deletes and the reads.
        model_name defaults to the model being compiled. -#}
    coalesce(
        {{ activity_metrics.period_start(period_type,
            activity_metrics.rebuild_start(model_name)) }},
        {{ activity_metrics.earliest_day() }}
    )
{%- endmacro %}

{% macro delete_rebuilt_days(date_column, period_type='day') %}
    {#- Pre-hook of the series models: delete every row from the first day
        (or period) this run recomputes, in the model's transaction (a failed
        insert rolls it back); then the model appends the new rows. Unlike a
        merge on a key, a row no longer produced (say, a user later marked
        as test) disappears too. -#}
    {%- if is_incremental() -%}
        {{ activity_metrics.set_rebuild_start() }}
        {{ activity_metrics.delete_rows(this, [
            date_column ~ ' >= ' ~ activity_metrics.rebuilt_from(period_type)]) }}
    {%- endif -%}
{% endmacro %}

{% macro rebuilt_from_periods(period_types) -%}
    {#- The first day of the earliest period (of these kinds) that a model of
        the series recomputes tonight; the earliest day on a full build. -#}
    {%- if period_types | length == 1 -%}
        {{ activity_metrics.rebuilt_from(period_types[0]) }}
    {%- else -%}
        coalesce(
            least(
                {%- for period_type in period_types %}
                {{ activity_metrics.period_start(period_type, activity_metrics.rebuild_start()) }}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            ),
            {{ activity_metrics.earliest_day() }}
        )
    {%- endif -%}
{%- endmacro %}
