-- What `activity-metrics validate` looks at, for a person at a SQL prompt:
-- the coverage checks with their verdicts, then the users behind a failing
-- app-side check (no or stale users.last_activity_at), most recent first.

with

coverage_checks as (

    select * from {{ ref('mon_tracking_coverage_checks') }}

),

users_missed_by_the_app as (

    select
        user_id,
        last_activity_at,
        last_activity_source,
        app_last_activity_at,
        app_lag_seconds,
        case
            when app_last_activity_at is null then 'missing'
            else 'stale'
        end as problem
    from {{ ref('user_last_activity') }}
    where last_activity_at is not null
        and not {{ activity_metrics.app_tracked('app_last_activity_at', 'last_activity_at') }}

),

final as (

    select
        'check' as row_kind,
        check_name as check_label,
        coverage as check_value,
        cast(is_passing as {{ dbt.type_string() }}) as detail
    from coverage_checks

    union all

    select
        'missed_by_source' as row_kind,
        last_activity_source || ' / ' || problem as check_label,
        count(*) as check_value,
        cast(max(last_activity_at) as {{ dbt.type_string() }}) as detail
    from users_missed_by_the_app
    group by
        last_activity_source,
        problem

)

select * from final
order by row_kind, check_label
