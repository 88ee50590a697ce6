-- The revisions ledger (CONTRACT section 7) agrees with the series, one row
-- per failure naming it:
-- - latest_revision_is_published: every day of fct_active_users_daily has a
--   revision, and its latest one carries the day's published figures;
-- - revisions_numbered_from_zero: a day's revisions are 0, 1, ..., n-1;
-- - each_revision_changes_a_figure: no revision repeats the one before.

with

revisions as (

    select * from {{ ref('fct_active_users_daily_revisions') }}

),

numbered as (

    select
        date_day,
        min(revision) as first_revision,
        max(revision) as last_revision,
        count(*) as revisions
    from revisions
    group by date_day

),

latest as (

    select revisions.*
    from revisions
    inner join numbered
        on revisions.date_day = numbered.date_day
            and revisions.revision = numbered.last_revision

),

checks as (

    select
        'latest_revision_is_published' as failed_identity,
        series.date_day
    from {{ ref('fct_active_users_daily') }} as series
    left join latest
        on series.date_day = latest.date_day
    where latest.date_day is null
        or {{ activity_metrics.figures_differ('series', 'latest') }}

    union all

    select
        'revisions_numbered_from_zero' as failed_identity,
        date_day
    from numbered
    where first_revision != 0
        or last_revision != revisions - 1

    union all

    select
        'each_revision_changes_a_figure' as failed_identity,
        later.date_day
    from revisions as later
    inner join revisions as earlier
        on later.date_day = earlier.date_day
            and later.revision = earlier.revision + 1
    where not {{ activity_metrics.figures_differ('later', 'earlier') }}

)

select * from checks
