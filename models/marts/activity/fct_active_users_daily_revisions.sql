{%- set as_of_date = activity_metrics.as_of_date() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

{#
    The revisions ledger of the published series (CONTRACT section 7): one
    row per day and revision, appended by every build that publishes a day's
    figures for the first time (revision 0) or changes them (1, 2, ... in
    build order); a build that publishes the same figures adds nothing.
    Append-only: no later build updates or deletes a row, and full_refresh
    is false, so `dbt build --full-refresh` keeps it too (an incremental
    model rather than a snapshot: a snapshot keeps the current value per key
    with validity dates and is rewritten by a full refresh of its target; the
    ledger's grain is the revision itself, numbered).
#}

with

published as (

    select
        date_day,
        dau,
        wau,
        mau,
        total_users
    from {{ ref('fct_active_users_daily') }}

),

latest_revisions as (

    {% if is_incremental() -%}
        select
            revisions.date_day,
            revisions.revision,
            revisions.dau,
            revisions.wau,
            revisions.mau,
            revisions.total_users
        from {{ this }} as revisions
        inner join (
            select
                date_day,
                max(revision) as revision
            from {{ this }}
            group by date_day
        ) as newest
            on revisions.date_day = newest.date_day
                and revisions.revision = newest.revision
    {%- else -%}
        select
            date_day,
            -1 as revision,
            dau,
            wau,
            mau,
            total_users
        from published
        where 1 = 0
    {%- endif %}

),

changed as (

    -- a day never published, or published with other figures
    select
        published.date_day,
        coalesce(latest_revisions.revision + 1, 0) as revision,
        published.dau,
        published.wau,
        published.mau,
        published.total_users
    from published
    left join latest_revisions
        on published.date_day = latest_revisions.date_day
    where latest_revisions.date_day is null
        or {{ activity_metrics.figures_differ('published', 'latest_revisions') }}

),

final as (

    select
        date_day,
        cast(revision as {{ dbt.type_int() }}) as revision,
        cast(dau as {{ dbt.type_bigint() }}) as dau,
        cast(wau as {{ dbt.type_bigint() }}) as wau,
        cast(mau as {{ dbt.type_bigint() }}) as mau,
        cast(total_users as {{ dbt.type_bigint() }}) as total_users,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}'
            as {{ dbt.type_timestamp() }}
        ) as published_at,
        {{ activity_metrics.date_literal(as_of_date) }} as published_as_of_date
    from changed

)

select * from final
