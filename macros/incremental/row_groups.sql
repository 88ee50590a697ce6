{% macro row_group_key() -%}
    {#- The (source, local day) group of an activity row, with rows that have
        no timestamp in a group of their own. -#}
    (source_name, coalesce(activity_date, cast('1000-01-01' as date)))
{%- endmacro %}

{% macro changed_row_groups(loaded_after) -%}
    {#- The (source, day) groups touched by the activity events written after
        a stamp: where each row is now and where it was before (a row with no
        stored predecessor has a null previous day, which also recounts the
        small group of rows without a timestamp: harmless). -#}
    select
        source_name,
        coalesce(activity_date, cast('1000-01-01' as date)) as group_day
    from {{ ref('int_activity_events_classified') }}
    where dbt_loaded_at > {{ activity_metrics.timestamp_literal(loaded_after) }}
    union
    select
        source_name,
        coalesce(previous_activity_date, cast('1000-01-01' as date)) as group_day
    from {{ ref('int_activity_events_classified') }}
    where dbt_loaded_at > {{ activity_metrics.timestamp_literal(loaded_after) }}
{%- endmacro %}

{% macro delete_recounted_row_groups() %}
    {#- Pre-hook of int_activity_rows_daily: delete the groups the run
        recounts, in the model's transaction. -#}
    {%- set state = activity_metrics.latest_run_state(['events_loaded_through']) -%}
    {%- if is_incremental() and state is not none -%}
        {%- set condition -%}
            {{ activity_metrics.row_group_key() }} in (
                {{ activity_metrics.changed_row_groups(state.events_loaded_through) }}
            )
        {%- endset -%}
        {{ activity_metrics.delete_rows(this, [condition]) }}
    {%- elif is_incremental() -%}
        {{ activity_metrics.delete_rows(this) }}
    {%- endif -%}
{% endmacro %}
