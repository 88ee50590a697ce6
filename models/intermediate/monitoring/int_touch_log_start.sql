{{ config(materialized='ephemeral') }}

{#-
    The first day of the touch log: the first day on which a user-day was
    seen by the touch-log method (a partition of the one sweep). Before it the
    app's tracking could not see anyone, so the monitors that judge the touch
    log (mon_method_comparison_daily, mon_tracking_coverage_daily) read its
    liveness from here, one definition for both. One row; its date is null
    while the touch log has never counted a row.
-#}

with

touch_log_days as (

    select date_day from {{ ref('int_rolling_actives_daily') }}
    where segment_dimension = 'method'
        and segment_value = 'touch_log'
        and dau > 0

),

final as (

    select min(date_day) as first_touch_date
    from touch_log_days

)

select * from final
