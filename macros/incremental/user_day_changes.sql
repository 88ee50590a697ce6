{% macro user_day_changes(events_relation, loaded_after, loaded_through=none) -%}
    {#- The (user_id, activity_date) pairs that the activity events written
        after `loaded_after` (and up to `loaded_through`, when given) touch:
        the user-day each row is on now, and the one it was on before (a row
        that moved, or that stopped being counted). -#}
    {%- set window -%}
        dbt_loaded_at > {{ activity_metrics.timestamp_literal(loaded_after) }}
        {%- if loaded_through is not none %}
            and dbt_loaded_at
            <= {{ activity_metrics.timestamp_literal(loaded_through) }}
        {%- endif %}
    {%- endset -%}
    select
        user_id,
        activity_date
    from {{ events_relation }}
    where {{ window }}
        and user_id is not null
        and activity_date is not null
    union
    select
        previous_user_id as user_id,
        previous_activity_date as activity_date
    from {{ events_relation }}
    where {{ window }}
        and previous_user_id is not null
        and previous_activity_date is not null
{%- endmacro %}

{% macro user_day_changes_bounds(events_relation, loaded_after, loaded_through=none) %}
    {#- Whether any user-day changed, and the earliest changed day, as
        {'count': n, 'first_day': 'YYYY-MM-DD' or none}. -#}
    {%- set query -%}
        select count(*), min(activity_date)
        from ({{ activity_metrics.user_day_changes(
            events_relation, loaded_after, loaded_through) }}) as changes
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {{- return({'count': row[0] | int,
        'first_day': activity_metrics.date_string(row[1])}) -}}
{% endmacro %}

{% macro user_day_fact_plan() %}
    {#- What this run of fct_user_days rewrites (none = all):
        - days_after: every user-day after this day (the as-of date of the
          previous run: the days since are new), capped at the as-of date;
        - backfill: a local-date range rewritten in full, or none;
        - events_after: the user-days touched by the activity events written
          after this stamp (late rows of any age, reclassified users);
        - first_changed_day / has_changes: bounds of those touched user-days.
        Read from the fact's own committed rows, so a killed run is simply
        redone by the next one. -#}
    {%- set state = activity_metrics.latest_run_state(
        ['events_loaded_through', 'built_as_of']) -%}
    {%- if state is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set as_of = activity_metrics.as_of_date() -%}
    {#- complete through the newest day it holds as well: a run whose as-of
        date moved back deleted the later days and may have written no row
        (so no stamp) -#}
    {%- set newest_day = activity_metrics.date_string(activity_metrics.query_value(
        'select max(activity_date) from ' ~ this)) or as_of -%}
    {%- set changes = activity_metrics.user_day_changes_bounds(
        ref('int_activity_events_classified'), state.events_loaded_through) -%}
    {{- return({
        'days_after': [
            activity_metrics.date_string(state.built_as_of), newest_day, as_of] | min,
        'backfill': activity_metrics.backfill_range(),
        'events_after': state.events_loaded_through,
        'has_changes': changes.count > 0,
        'first_changed_day': changes.first_day,
    }) -}}
{% endmacro %}

{% macro user_day_fact_rewrite_filters(plan, events_relation) -%}
    {#- The user-days a run of the fact rewrites (see user_day_fact_plan), as
        a list of where clauses on user_id and activity_date, each one
        index-friendly (a union of them, never one disjunction that would
        scan everything): the new days (and a backfill range), and the
        user-days touched by the events written since the fact's last run. -#}
    {%- set new_days -%}
        activity_date > {{ activity_metrics.date_literal(plan.days_after) }}
        {%- if plan.backfill is not none %}
        or activity_date
        between {{ activity_metrics.date_literal(plan.backfill.start) }}
        and {{ activity_metrics.date_literal(plan.backfill.end) }}
        {%- endif %}
    {%- endset -%}
    {%- set filters = [new_days] -%}
    {%- if plan.has_changes -%}
        {%- set touched -%}
            activity_date >= {{ activity_metrics.date_literal(plan.first_changed_day) }}
            and (user_id, activity_date) in (
                {{ activity_metrics.user_day_changes(
                    events_relation, plan.events_after) | indent(16) }}
            )
        {%- endset -%}
        {%- do filters.append(touched) -%}
    {%- endif -%}
    {{- return(filters) -}}
{%- endmacro %}

{% macro delete_rewritten_user_days() %}
    {#- Pre-hook of fct_user_days: delete the user-days this run
        rewrites, in the model's transaction (a failed insert rolls it back).
        A user-day that no longer has counted activity (its user flagged
        test, say) is deleted and not written again. -#}
    {%- set plan = activity_metrics.user_day_fact_plan() -%}
    {%- if is_incremental() and plan is not none -%}
        {{ activity_metrics.delete_rows(this, activity_metrics.user_day_fact_rewrite_filters(
            plan, ref('int_activity_events_classified'))) }}
    {%- elif is_incremental() -%}
        {{ activity_metrics.delete_rows(this) }}
    {%- endif -%}
{% endmacro %}
