-- Audit, run by hand: the raw activity rows that were not counted, by source
-- and reason, with their share of the source's rows. Compile with
-- `dbt compile --select rejected_rows_by_source` and run the SQL in
-- target/compiled/.
with

accounted as (

    select * from {{ ref('mon_raw_rows_by_status') }}

),

source_totals as (

    select
        source_name,
        sum(row_count) as raw_rows
    from accounted
    group by source_name

),

final as (

    select
        accounted.source_name,
        accounted.row_status,
        accounted.row_count,
        source_totals.raw_rows,
        {{ activity_metrics.safe_ratio(
            'accounted.row_count', 'source_totals.raw_rows') }} as share_of_source
    from accounted
    inner join source_totals
        on accounted.source_name = source_totals.source_name
    where accounted.row_status != 'counted'

)

select * from final
order by source_name asc, row_count desc
