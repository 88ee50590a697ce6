-- depends_on: {{ ref('int_run_source_marks') }}
-- depends_on: {{ ref('int_users_tracked') }}
-- depends_on: {{ ref('int_run_state') }}

{#-
    The stored activity events this run may replace: those of users whose
    classification changed since the events were classified
    (int_users_tracked against the events' stamp in int_run_state), those
    inside each source's bound (int_run_source_marks: the rows read again
    from raw), and a backfill range. A union of index-friendly reads, never
    a scan of every stored row; nothing on a first run or a full refresh.
-#}

{%- set events = activity_metrics.stored_relation('int_activity_events_classified') %}

with

final as (

    {% if not activity_metrics.events_read_in_full() -%}
        {%- set changed_users -%}
            user_id in ({{ activity_metrics.users_changed_since_classified() }})
        {%- endset -%}
        {%- set branches = [changed_users] -%}
        {%- for activity_source in activity_metrics.activity_sources() -%}
            {%- do branches.append(
                "source_name = '" ~ activity_source.source_name
                ~ "' and source_row_id > " ~ activity_metrics.source_mark(activity_source.source_name, 'row_id_from')) -%}
            {%- if var('activity__loaded_at_columns', {}).get(activity_source.source_name) -%}
                {%- do branches.append(
                    "source_name = '" ~ activity_source.source_name
                    ~ "' and source_loaded_at > " ~ activity_metrics.source_mark(activity_source.source_name, 'loaded_at_from')) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set backfill = activity_metrics.backfill_range() -%}
        {%- if backfill is not none -%}
            {%- do branches.append(
                'activity_date between '
                ~ activity_metrics.date_literal(backfill.start) ~ ' and '
                ~ activity_metrics.date_literal(backfill.end)) -%}
        {%- endif -%}
        {%- for branch in branches %}
            select
                source_name,
                source_row_id,
                user_id,
                occurred_at,
                activity_date,
                event_type,
                rejection_reason,
                source_loaded_at,
                duplicate_row_count
            from {{ events }}
            where {{ branch }}
            {% if not loop.last %}union{% endif %}
        {%- endfor %}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as source_name,
            cast(null as {{ dbt.type_bigint() }}) as source_row_id,
            cast(null as {{ dbt.type_bigint() }}) as user_id,
            cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
            cast(null as date) as activity_date,
            cast(null as {{ dbt.type_string() }}) as event_type,
            cast(null as {{ dbt.type_string() }}) as rejection_reason,
            cast(null as {{ dbt.type_timestamp() }}) as source_loaded_at,
            cast(null as {{ dbt.type_bigint() }}) as duplicate_row_count
        where 1 = 0
    {%- endif %}

)

select * from final
