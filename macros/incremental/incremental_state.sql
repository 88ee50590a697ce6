{% macro run_stamp() -%}
    {#- When this dbt run started (UTC), as a SQL timestamp: the batch stamp
        every incremental model writes on the rows of this run. -#}
    cast(
        '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro timestamp_literal(value) -%}
    {#- A SQL timestamp literal for a value read back from the warehouse. -#}
    {%- if value is none -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ (value | string)[:26] }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro latest_run_state(columns) %}
    {#- The bookkeeping columns of the rows that the latest committed run of
        this incremental model wrote (the row with the newest dbt_loaded_at),
        as a dict, or none on a first run, a full refresh, at parse time, or
        when the table has no rows. Every nightly decision derives from these
        committed rows, never from a separate state that a killed run could
        leave behind: a run's rows and its stamps commit together or not at
        all. Reading an older run's stamps only makes the next run redo more
        work, never less. -#}
    {%- if not execute or this is none or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set existing = adapter.get_columns_in_relation(this)
        | map(attribute='name') | map('lower') | list -%}
    {%- for column in columns + ['dbt_loaded_at'] -%}
        {%- if column | lower not in existing -%}
            {{- log(
                "activity_metrics: " ~ this ~ " has no column " ~ column
                ~ " (its incremental state is lost or from an older version):"
                ~ " rebuilding it in full.", info=true) -}}
            {{- return(none) -}}
        {%- endif -%}
    {%- endfor -%}
    {%- set query -%}
        select {{ columns | join(', ') }}
        from {{ this }}
        where dbt_loaded_at = (select max(dbt_loaded_at) from {{ this }})
        {{ activity_metrics.limit_one() }}
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {%- if rows | length == 0 -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set state = {} -%}
    {%- for column in columns -%}
        {%- do state.update({column: rows[0][loop.index0]}) -%}
    {%- endfor -%}
    {{- return(state) -}}
{% endmacro %}

{% macro limit_one() -%}
    {{- return(adapter.dispatch('limit_one', 'activity_metrics')()) -}}
{%- endmacro %}

{% macro default__limit_one() -%}
    limit 1
{%- endmacro %}

{% macro query_value(query) %}
    {#- The first column of the first row of a query (none at parse time). -#}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set rows = run_query(query).rows -%}
    {{- return(rows[0][0] if rows | length > 0 else none) -}}
{% endmacro %}

{% macro date_string(value) -%}
    {#- YYYY-MM-DD of a date or timestamp read back from the warehouse. -#}
    {{- return(none if value is none else (value | string)[:10]) -}}
{%- endmacro %}

{% macro shift_date_string(date_string, days) -%}
    {{- return((modules.datetime.date.fromisoformat(date_string)
        + modules.datetime.timedelta(days=days)).isoformat()) -}}
{%- endmacro %}

{% macro latest_run_filter(relation) -%}
    {#- A where clause: the rows the latest run of an incremental model wrote. -#}
    where dbt_loaded_at = (select max(dbt_loaded_at) from {{ relation }})
{%- endmacro %}
