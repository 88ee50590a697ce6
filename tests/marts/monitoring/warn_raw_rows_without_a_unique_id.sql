-- Nightly warning: raw activity rows without an id, or sharing an id with
-- another raw row (a loader that lost the primary key, a replayed batch).
-- They are rejected rows (counted in mon_raw_rows_by_status, never in the
-- figures), so the build goes on; this names the sources and how many.
{{ config(severity='warn') }}

select
    source_name,
    row_status,
    row_count
from {{ ref('mon_raw_rows_by_status') }}
where row_status in ('null_row_id', 'duplicate_row_id')
    and row_count > 0
