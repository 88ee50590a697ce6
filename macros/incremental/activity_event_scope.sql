{% macro activity_event_scope() %}
    {#- What this run of int_activity_events_classified reads, decided from
        the rows it has already stored (durable facts, no separate state):
        - mode: 'full' (first run, full refresh, or lost state) or
          'incremental';
        - per source, the lower bound of new rows: the high-water mark of the
          primary key minus activity__id_margin (transactions that commit out
          of order), or, when activity__loaded_at_columns names a loader
          column for the source, its high-water mark minus
          activity__loaded_at_margin_hours; none = read the whole source (a
          source this table has never seen);
        - users_through: the newest change of int_users_tracked that the
          stored rows were classified with (rows of users changed since are
          classified again);
        - has_changed_users: whether any user changed since then;
        - backfill: the local-date range to re-read in full, or none. -#}
    {%- set scope = {'mode': 'full', 'sources': {}, 'users_through': none,
        'has_changed_users': false,
        'backfill': activity_metrics.backfill_range()} -%}
    {%- set state = activity_metrics.latest_run_state(['users_loaded_through']) -%}
    {%- if state is none -%}
        {%- if execute and this is not none and not flags.FULL_REFRESH
            and adapter.get_relation(this.database, this.schema,
                'fct_user_days') is not none -%}
            {{- log(
                "activity_metrics: the activity events (" ~ this ~ ") and their"
                ~ " high-water marks are missing or empty while the user-day fact"
                ~ " exists: rebuilding every activity event from the raw tables,"
                ~ " and every user-day from them (a full rebuild; nothing else to do).",
                info=true) -}}
        {%- endif -%}
        {{- return(scope) -}}
    {%- endif -%}
    {%- do scope.update({'mode': 'incremental',
        'users_through': state.users_loaded_through}) -%}
    {%- set changed_users = activity_metrics.query_value(
        'select count(*) from ' ~ ref('int_users_tracked')
        ~ ' where dbt_loaded_at > '
        ~ activity_metrics.timestamp_literal(state.users_loaded_through)) -%}
    {%- do scope.update({'has_changed_users': (changed_users or 0) > 0}) -%}
    {%- set loaded_at_columns = var('activity__loaded_at_columns', {}) -%}
    {%- set query -%}
        {% for activity_source in activity_metrics.activity_sources() %}
            select
                '{{ activity_source.source_name }}' as source_name,
                (
                    select max(source_row_id) from {{ this }}
                    where source_name = '{{ activity_source.source_name }}'
                ) as max_row_id,
                (
                    select max(source_loaded_at) from {{ this }}
                    where source_name = '{{ activity_source.source_name }}'
                ) as max_loaded_at
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {%- endset -%}
    {%- for row in run_query(query).rows -%}
        {%- set bound = {'row_id': none, 'loaded_at': none} -%}
        {%- if loaded_at_columns.get(row[0]) and row[2] is not none -%}
            {%- do bound.update({'loaded_at':
                (modules.datetime.datetime.fromisoformat((row[2] | string)[:19])
                - modules.datetime.timedelta(
                    hours=activity_metrics.checked_var('activity__loaded_at_margin_hours'))).isoformat(' ')}) -%}
        {%- elif row[1] is not none -%}
            {%- do bound.update({'row_id':
                (row[1] | int) - activity_metrics.checked_var('activity__id_margin')}) -%}
        {%- endif -%}
        {%- do scope.sources.update({row[0]: bound}) -%}
    {%- endfor -%}
    {{- return(scope) -}}
{% endmacro %}

{% macro backfill_range() %}
    {#- The backfill vars as {'start', 'end'} (YYYY-MM-DD), or none. -#}
    {%- set start = activity_metrics.checked_date_var('activity__backfill_start_date') -%}
    {%- if start is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return({'start': start,
        'end': activity_metrics.checked_date_var('activity__backfill_end_date')}) -}}
{% endmacro %}

{% macro new_rows_predicate(scope, activity_source, occurred_at) %}
    {#- The where clause that selects the raw rows this run reads from one
        source (see activity_event_scope). -#}
    {%- set bound = scope.sources.get(activity_source.source_name) -%}
    {%- if scope.mode == 'full' or bound is none
        or (bound.row_id is none and bound.loaded_at is none) -%}
        1 = 1
    {%- else -%}
        (
        {%- if bound.loaded_at is not none %}
            source_loaded_at > cast('{{ bound.loaded_at }}' as {{ dbt.type_timestamp() }})
        {%- else %}
            {{ activity_source.id }} > {{ bound.row_id }}
            or {{ activity_source.id }} is null
        {%- endif %}
        {%- if scope.backfill is not none %}
            or {{ activity_metrics.utc_to_local_date(occurred_at) }}
            between {{ activity_metrics.date_literal(scope.backfill.start) }}
            and {{ activity_metrics.date_literal(scope.backfill.end) }}
        {%- endif %}
        )
    {%- endif -%}
{% endmacro %}

{% macro source_category_of(source_name_column) -%}
    {#- The activity category a source implies (null for the touch log,
        whose rows are classified by event type through the seed). -#}
    case {{ source_name_column }}
        {%- for activity_source in activity_metrics.activity_sources()
            if activity_source.category %}
        when '{{ activity_source.source_name }}'
            then '{{ activity_source.category }}'
        {%- endfor %}
    end
{%- endmacro %}
