{%- set as_of_date = activity_metrics.as_of_date() -%}

with

daily_series as (

    select * from {{ ref('fct_active_users_daily') }}

),

as_of as (

    select {{ activity_metrics.date_literal(as_of_date) }} as as_of_date

),

final as (

    select
        as_of.as_of_date,
        coalesce(daily_series.dau, 0) as dau,
        coalesce(daily_series.wau, 0) as wau,
        coalesce(daily_series.mau, 0) as mau,
        daily_series.total_users,
        daily_series.dau_pct,
        daily_series.wau_pct,
        daily_series.mau_pct,
        daily_series.stickiness
    from as_of
    left join daily_series
        on as_of.as_of_date = daily_series.date_day

)

select * from final
