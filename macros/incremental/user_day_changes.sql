{% macro touched_user_days(model_name=none) -%}
    {#- The user-days touched by the activity events written after a model's
        own stamp (int_run_touched_user_days against int_run_state), as a
        query of (user_id, activity_date). -#}
    select
        touched.user_id,
        touched.activity_date
    from {{ ref('int_run_touched_user_days') }} as touched
    where touched.touched_at > {{ activity_metrics.run_state(
        'events_loaded_through', model_name) }}
{%- endmacro %}

{% macro user_day_fact_rewrite_filters() -%}
    {#- The user-days a run of fct_user_days rewrites, as a list of where
        clauses on user_id and activity_date, each index-friendly (a union of
        them, never one disjunction that scans everything), all SQL on the
        run's scope (nothing decided while compiling):
        - the days after the previous run's as-of date, capped at the newest
          day the fact holds (a run whose as-of date moved back deleted the
          later days and may have written no row) and at tonight's as-of
          date; every day when the fact has no state (first run, empty);
        - a backfill range;
        - the user-days touched by the events written since the fact's last
          run (late rows of any age, reclassified users). -#}
    {%- set backfill = activity_metrics.backfill_range() -%}
    {%- set new_days -%}
        activity_date > (
            select
                case
                    when fact_state.built_as_of is null
                        or fact_state.newest_day is null
                        then {{ activity_metrics.earliest_day() }}
                    else least(
                        fact_state.built_as_of,
                        fact_state.newest_day,
                        {{ activity_metrics.date_literal(activity_metrics.as_of_date()) }}
                    )
                end
            from {{ ref('int_run_state') }} as fact_state
            where fact_state.model_name = 'fct_user_days'
        )
        {%- if backfill is not none %}
        or activity_date
        between {{ activity_metrics.date_literal(backfill.start) }}
        and {{ activity_metrics.date_literal(backfill.end) }}
        {%- endif %}
    {%- endset -%}
    {%- set touched -%}
        activity_date >= (
            select min(touched_days.activity_date)
            from ({{ activity_metrics.touched_user_days('fct_user_days') }}) as touched_days
        )
        and (user_id, activity_date) in (
            {{ activity_metrics.touched_user_days('fct_user_days') | indent(12) }}
        )
    {%- endset -%}
    {{- return([new_days, touched]) -}}
{%- endmacro %}

{% macro delete_rewritten_user_days() %}
    {#- Pre-hook of fct_user_days: delete the user-days this run rewrites, in
        the model's transaction (a failed insert rolls it back). A user-day
        that no longer has counted activity (its user flagged test, say) is
        deleted and not written again. -#}
    {%- if is_incremental() -%}
        {{ activity_metrics.delete_rows(this, activity_metrics.user_day_fact_rewrite_filters()) }}
    {%- endif -%}
{% endmacro %}
