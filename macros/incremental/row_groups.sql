{% macro row_group_key() -%}
    {#- The (source, local day) group of an activity row, with rows that have
        no timestamp in a group of their own. -#}
    (source_name, coalesce(activity_date, cast('1000-01-01' as date)))
{%- endmacro %}

{% macro changed_row_groups() -%}
    {#- The (source, day) groups touched by the activity events written since
        int_activity_rows_daily last ran (its stamp in int_run_state): where
        each row is now and where it was before (a row with no stored
        predecessor has a null previous day, which also recounts the small
        group of rows without a timestamp: harmless). -#}
    {%- set loaded_after = activity_metrics.run_state(
        'events_loaded_through', 'int_activity_rows_daily') -%}
    select
        source_name,
        coalesce(activity_date, cast('1000-01-01' as date)) as group_day
    from {{ ref('int_activity_events_classified') }}
    where dbt_loaded_at > {{ loaded_after }}
    union
    select
        source_name,
        coalesce(previous_activity_date, cast('1000-01-01' as date)) as group_day
    from {{ ref('int_activity_events_classified') }}
    where dbt_loaded_at > {{ loaded_after }}
{%- endmacro %}

{% macro recounted_row_groups() -%}
    {#- A predicate: the (source, day) groups a run of int_activity_rows_daily
        recounts; every group when it has no state. -#}
    (
        {{ activity_metrics.run_state('events_loaded_through', 'int_activity_rows_daily') }} is null
        or {{ activity_metrics.row_group_key() }} in (
            {{ activity_metrics.changed_row_groups() | indent(12) }}
        )
    )
{%- endmacro %}

{% macro delete_recounted_row_groups() %}
    {#- Pre-hook of int_activity_rows_daily: delete the groups the run
        recounts, in the model's transaction. -#}
    {%- if is_incremental() -%}
        {{ activity_metrics.delete_rows(this, [activity_metrics.recounted_row_groups()]) }}
    {%- endif -%}
{% endmacro %}
