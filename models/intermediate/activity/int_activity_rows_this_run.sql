-- depends_on: {{ ref('int_run_source_marks') }}

{#-
    The raw rows this run reads: from every activity source, the rows past
    its bound in int_run_source_marks (new, or re-read inside the safety
    margin), whatever their activity date, plus a backfill range read in
    full. Raw rows without an id get a stand-in key (rejected later as
    null_row_id); of the raw rows that share an id, one is kept (the latest
    loaded, then the latest action) and the others are counted on it
    (duplicate_row_count, rejected as duplicate_row_id downstream): a bad key
    never stops the night, and a loader that delivers a row again later is
    read as an update of the row.
-#}

{%- set backfill = activity_metrics.backfill_range() %}
{%- set reads_everything = activity_metrics.events_read_in_full() %}
{%- set loaded_at_columns = var('activity__loaded_at_columns', {}) %}

with

{% for activity_source in activity_metrics.activity_sources() %}
    {%- set row_id_from = activity_metrics.source_mark(
        activity_source.source_name, 'row_id_from') %}
    {{ activity_source.source_name }}_rows as (

        select
            '{{ activity_source.source_name }}' as source_name,
            coalesce({{ activity_source.id }}, {{ activity_metrics.missing_row_key([
                activity_source.actor, activity_source.occurred_at,
                activity_source.event_type or "''", 'source_loaded_at']) }})
                as source_row_id,
            {{ activity_source.id }} is null as is_missing_row_id,
            {{ activity_source.actor }} as user_id,
            {{ activity_source.occurred_at }} as occurred_at,
            {% if activity_source.event_type -%}
                {{ activity_source.event_type }}
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as event_type,
            source_loaded_at
        from {{ ref(activity_source.model) }}
        {%- if not reads_everything %}
        where {{ activity_source.id }} > {{ row_id_from }}
            or ({{ activity_source.id }} is null
                and {{ row_id_from }} is not null)
            {%- if loaded_at_columns.get(activity_source.source_name) %}
            or source_loaded_at > {{ activity_metrics.source_mark(
                activity_source.source_name, 'loaded_at_from') }}
            {%- endif %}
            {%- if backfill is not none %}
            or {{ activity_metrics.utc_to_local_date(activity_source.occurred_at) }}
            between {{ activity_metrics.date_literal(backfill.start) }}
            and {{ activity_metrics.date_literal(backfill.end) }}
            {%- endif %}
        {%- endif %}

    ),

{% endfor %}
raw_rows as (

    {% for activity_source in activity_metrics.activity_sources() %}
        select * from {{ activity_source.source_name }}_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

duplicated_keys as (

    -- ids that more than one raw row carries (a loader's replayed or versioned
    -- rows, or a table without a primary key): a hash aggregate, no sort
    select
        source_name,
        source_row_id,
        count(*) - 1 as duplicate_row_count
    from raw_rows
    group by
        source_name,
        source_row_id
    having count(*) > 1

),

duplicated_rows_ranked as (

    select
        raw_rows.*,
        duplicated_keys.duplicate_row_count,
        row_number() over (
            partition by raw_rows.source_name, raw_rows.source_row_id
            order by
                raw_rows.source_loaded_at desc nulls last,
                raw_rows.occurred_at desc nulls last,
                raw_rows.user_id asc nulls last,
                raw_rows.event_type asc nulls last
        ) as row_rank
    from raw_rows
    inner join duplicated_keys
        on raw_rows.source_name = duplicated_keys.source_name
            and raw_rows.source_row_id = duplicated_keys.source_row_id

),

final as (

    select
        raw_rows.*,
        cast(0 as {{ dbt.type_bigint() }}) as duplicate_row_count
    from raw_rows
    left join duplicated_keys
        on raw_rows.source_name = duplicated_keys.source_name
            and raw_rows.source_row_id = duplicated_keys.source_row_id
    where duplicated_keys.source_name is null
    union all
    select
        source_name,
        source_row_id,
        is_missing_row_id,
        user_id,
        occurred_at,
        event_type,
        source_loaded_at,
        cast(duplicate_row_count as {{ dbt.type_bigint() }}) as duplicate_row_count
    from duplicated_rows_ranked
    where row_rank = 1

)

select * from final
