-- Weekly validation (selector `full`): per source and local day, the raw rows
-- equal the rows stored in int_activity_events_classified. Nightly runs find
-- new rows by each source's high-water mark; rows that arrive with old ids
-- (a replica restored from a backup, a table reloaded) are invisible to it
-- and show up here with their source and day. Repair: `activity-metrics
-- backfill --start <first day listed> --end <last day listed>`. Its failing
-- rows are kept as a view (store_failures, schema <target schema>_dbt_test__audit)
-- that `activity-metrics validate` reads to name the days and the repair.
{{ config(tags=['full_history'], store_failures=true, store_failures_as='view') }}
{%- set activity_sources = activity_metrics.activity_sources() %}

with

raw_rows_per_day as (

    {% for activity_source in activity_sources %}
        select
            '{{ activity_source.source_name }}' as source_name,
            coalesce(
                {{ activity_metrics.utc_to_local_date(activity_source.occurred_at) }},
                cast('1000-01-01' as date)
            ) as activity_date,
            count(*) as raw_rows
        from {{ ref(activity_source.model) }}
        group by 1, 2
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

stored_rows_per_day as (

    select
        source_name,
        coalesce(activity_date, cast('1000-01-01' as date)) as activity_date,
        -- a stored row stands for itself and the raw rows that shared its id
        sum(1 + coalesce(duplicate_row_count, 0)) as stored_rows
    from {{ ref('int_activity_events_classified') }}
    group by 1, 2

),

final as (

    select
        coalesce(raw_rows_per_day.source_name, stored_rows_per_day.source_name)
            as source_name,
        coalesce(raw_rows_per_day.activity_date, stored_rows_per_day.activity_date)
            as activity_date,
        coalesce(raw_rows_per_day.raw_rows, 0) as raw_rows,
        coalesce(stored_rows_per_day.stored_rows, 0) as stored_rows
    from raw_rows_per_day
    full outer join stored_rows_per_day
        on raw_rows_per_day.source_name = stored_rows_per_day.source_name
            and raw_rows_per_day.activity_date = stored_rows_per_day.activity_date

)

select * from final
where raw_rows != stored_rows
