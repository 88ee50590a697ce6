{#-
    The daily time spine MetricFlow requires: every calendar day from
    2015-01-01 through 2040-12-31 (stepped in calendar days, never hours).
-#}

with

days as (

    {{ activity_metrics.day_series(
        activity_metrics.date_literal('2015-01-01'),
        activity_metrics.date_literal('2040-12-31')) }}

),

final as (

    select date_day
    from days

)

select * from final
