-- The detailed breakdown agrees with the published snapshot: its `all` row
-- equals activity_metrics_current, new + returning = all for each window,
-- and the recency buckets add up to total_users. Returns the disagreements.

with

segments as (

    select * from {{ ref('fct_user_segments_current') }}

),

snapshot as (

    select * from {{ ref('activity_metrics_current') }}

),

segment_totals as (

    select
        sum(case when dimension = 'all' then dau else 0 end) as all_dau,
        sum(case when dimension = 'all' then wau else 0 end) as all_wau,
        sum(case when dimension = 'all' then mau else 0 end) as all_mau,
        sum(case when dimension = 'lifecycle' then dau else 0 end)
            as lifecycle_dau,
        sum(case when dimension = 'lifecycle' then wau else 0 end)
            as lifecycle_wau,
        sum(case when dimension = 'lifecycle' then mau else 0 end)
            as lifecycle_mau,
        sum(case when dimension = 'recency' then user_count else 0 end)
            as recency_users
    from segments

),

final as (

    select
        segment_totals.*,
        snapshot.dau,
        snapshot.wau,
        snapshot.mau,
        snapshot.total_users
    from segment_totals
    cross join snapshot
    where segment_totals.all_dau != snapshot.dau
        or segment_totals.all_wau != snapshot.wau
        or segment_totals.all_mau != snapshot.mau
        or segment_totals.lifecycle_dau != snapshot.dau
        or segment_totals.lifecycle_wau != snapshot.wau
        or segment_totals.lifecycle_mau != snapshot.mau
        or segment_totals.recency_users != coalesce(snapshot.total_users, 0)

)

select * from final
