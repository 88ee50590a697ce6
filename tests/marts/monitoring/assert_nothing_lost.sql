{{ config(tags=["full_history"]) }}
-- For every activity source, raw rows = counted rows + rejected rows. The raw
-- count comes straight from the staging view, not through the classification.
{%- set activity_sources = activity_metrics.activity_sources() %}

with

raw_counts as (

    {% for activity_source in activity_sources %}
        select
            '{{ activity_source.source_name }}' as source_name,
            count(*) as raw_rows
        from {{ ref(activity_source.model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

accounted as (

    select
        source_name,
        sum(case when row_status = 'counted' then row_count else 0 end)
            as counted_rows,
        sum(case when row_status != 'counted' then row_count else 0 end)
            as rejected_rows
    from {{ ref('mon_raw_rows_by_status') }}
    group by source_name

)

select
    raw_counts.source_name,
    raw_counts.raw_rows,
    accounted.counted_rows,
    accounted.rejected_rows
from raw_counts
left join accounted
    on raw_counts.source_name = accounted.source_name
where raw_counts.raw_rows
    != coalesce(accounted.counted_rows, 0)
    + coalesce(accounted.rejected_rows, 0)
