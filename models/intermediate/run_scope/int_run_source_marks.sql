{{ config(materialized='table') }}

{#
    Where tonight's read of each activity source starts: one row per source
    of the declarative list (macros/activity_sources.sql), from the activity
    events the last committed run stored. A source is read past the
    high-water mark of its primary key minus activity__id_margin (ids are
    assigned at insert, rows appear at commit), or, when
    activity__loaded_at_columns names a loader column for it, past that
    column's high-water mark minus activity__loaded_at_margin_hours. A
    source the events have never seen is read whole (row_id_from is the
    smallest id). int_activity_events_classified reads these bounds in SQL.
#}

{%- set events = activity_metrics.stored_relation('int_activity_events_classified') %}
{%- set loaded_at_columns = var('activity__loaded_at_columns', {}) %}

with

{% for activity_source in activity_metrics.activity_sources() %}
    {{ activity_source.source_name }}_marks as (

        select
            '{{ activity_source.source_name }}' as source_name,
            {% if events is not none -%}
                max(source_row_id) as max_row_id,
                max(source_loaded_at) as max_loaded_at
            from {{ events }}
            where source_name = '{{ activity_source.source_name }}'
            {%- else -%}
                cast(null as {{ dbt.type_bigint() }}) as max_row_id,
                cast(null as {{ dbt.type_timestamp() }}) as max_loaded_at
            {%- endif %}

    ),

{% endfor %}
marks as (

    {% for activity_source in activity_metrics.activity_sources() %}
        select
            source_name,
            max_row_id,
            max_loaded_at,
            {{ 'true' if loaded_at_columns.get(activity_source.source_name)
                else 'false' }} as is_read_by_loaded_at
        from {{ activity_source.source_name }}_marks
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        source_name,
        max_row_id,
        max_loaded_at,
        case
            when is_read_by_loaded_at and max_loaded_at is not null then null
            when max_row_id is null then cast(-9223372036854775807 as {{ dbt.type_bigint() }})
            else max_row_id - {{ activity_metrics.checked_var('activity__id_margin') }}
        end as row_id_from,
        case
            when is_read_by_loaded_at and max_loaded_at is not null
                then {{ dbt.dateadd(
                    'hour',
                    -activity_metrics.checked_var('activity__loaded_at_margin_hours'),
                    'max_loaded_at') }}
        end as loaded_at_from
    from marks

)

select * from final
