-- activity_metrics_current equals fct_active_users_daily at the as-of date.
with

current_metrics as (

    select * from {{ ref('activity_metrics_current') }}

),

daily_series as (

    select * from {{ ref('fct_active_users_daily') }}

)

select
    current_metrics.as_of_date,
    current_metrics.dau,
    daily_series.dau as series_dau
from current_metrics
left join daily_series
    on current_metrics.as_of_date = daily_series.date_day
where daily_series.date_day is null
    or {{ activity_metrics.figures_differ('current_metrics', 'daily_series') }}
