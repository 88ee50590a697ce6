-- The identities of CONTRACT section 4, on every period of every kind:
-- active(P) = new + retained + resurrected, and
-- active(P-1) = retained(P) + churned(P) (P-1 the period just before P; the
-- first period has no period before it, and nobody retained or churned).
with

periods as (

    select
        period_type,
        period_start,
        active_users,
        new_users,
        retained_users,
        resurrected_users,
        churned_users,
        lag(active_users) over (
            partition by period_type order by period_start
        ) as previous_active_users
    from {{ ref('fct_growth_accounting') }}

)

select *
from periods
where active_users != new_users + retained_users + resurrected_users
    or coalesce(previous_active_users, 0) != retained_users + churned_users
    or new_users < 0
    or retained_users < 0
    or resurrected_users < 0
    or churned_users < 0
