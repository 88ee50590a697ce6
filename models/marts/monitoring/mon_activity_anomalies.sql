{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set detection_days = activity_metrics.checked_var('activity__anomaly_detection_days') -%}
{%- set training_weeks = activity_metrics.checked_var('activity__anomaly_training_weeks') -%}
{%- set min_weeks = activity_metrics.checked_var('activity__anomaly_min_training_weeks') -%}
{%- set sensitivity = activity_metrics.checked_var('activity__anomaly_sensitivity') -%}
{%- set min_change = activity_metrics.checked_var('activity__anomaly_min_change_pct') / 100 -%}
{%- set min_expected = activity_metrics.checked_var('activity__anomaly_min_expected') -%}
{%- set first_day_under_test = activity_metrics.add_days(
    activity_metrics.date_literal(as_of_date), 1 - detection_days) -%}

{#-
    Every day of every monitored series (int_monitored_series_daily) scored
    against the same weekday of the activity__anomaly_training_weeks weeks
    before the days under test: for the last activity__anomaly_detection_days
    days the training ends before the first of them, for an older day before
    that day, so no day is ever in its own training (Elementary's issue
    #1560). The expected value is the trend of the training days' logs at
    the day (a least-squares line: steady growth is not an anomaly); the
    range around it is sensitivity x the residual standard deviation of the
    logs (at least the Poisson noise of the expected count), widened to at
    least min_change_pct percent either side.
-#}

with

series as (

    select
        *,
        {{ dbt.datediff("cast('2000-01-03' as date)", 'date_day', 'day') }} as day_number, -- noqa: LT05
        ln(cast(observed as {{ dbt.type_float() }}) + 1) as log_observed
    from {{ ref('int_monitored_series_daily') }}

),

scored_days as (

    select
        *,
        date_day >= {{ first_day_under_test }} as is_under_test,
        least(date_day, {{ first_day_under_test }}) as training_before
    from series

),

training_points as (

    -- each scored day's training days: the log of their value, and how many weeks
    -- before the scored day they lie (negative)
    select
        scored_days.monitor_name,
        scored_days.series_name,
        scored_days.date_day,
        history.log_observed,
        (history.day_number - scored_days.day_number) / 7 as week_offset
    from scored_days
    inner join series as history
        on scored_days.monitor_name = history.monitor_name
            and scored_days.series_name = history.series_name
            and mod(history.day_number, 7) = mod(scored_days.day_number, 7)
            and scored_days.training_before > history.date_day
            and history.date_day >= {{ activity_metrics.add_days(
                'scored_days.training_before', -7 * training_weeks) }}

),

training as (

    -- the least-squares line through the training points, at the scored day (week 0)
    select
        monitor_name,
        series_name,
        date_day,
        count(*) as training_weeks,
        regr_intercept(log_observed, week_offset) as log_expected,
        regr_syy(log_observed, week_offset) as log_syy,
        regr_sxy(log_observed, week_offset) as log_sxy,
        regr_sxx(log_observed, week_offset) as log_sxx
    from training_points
    group by
        monitor_name,
        series_name,
        date_day
    having count(*) >= {{ min_weeks }}

),

ranges as (

    select
        training.*,
        greatest(exp(training.log_expected) - 1, 0) as expected,
        greatest(
            sqrt(
                greatest(
                    training.log_syy - training.log_sxy * training.log_sxy / training.log_sxx, 0
                )
                / (training.training_weeks - 2)
            ),
            1 / sqrt(exp(training.log_expected))
        ) as log_deviation
    from training

),

final as (

    select
        scored_days.monitor_name,
        scored_days.series_name,
        scored_days.date_day,
        scored_days.observed,
        ranges.expected,
        greatest(0, least(
            exp(ranges.log_expected - {{ sensitivity }} * ranges.log_deviation) - 1,
            ranges.expected * {{ 1 - min_change }}
        )) as lower_bound,
        greatest(
            exp(ranges.log_expected + {{ sensitivity }} * ranges.log_deviation) - 1,
            ranges.expected * {{ 1 + min_change }}
        ) as upper_bound,
        (scored_days.log_observed - ranges.log_expected) / ranges.log_deviation as z_score,
        ranges.training_weeks,
        scored_days.is_under_test
    from scored_days
    inner join ranges
        on scored_days.monitor_name = ranges.monitor_name
            and scored_days.series_name = ranges.series_name
            and scored_days.date_day = ranges.date_day

)

select
    *,
    expected >= {{ min_expected }}
    and (observed < lower_bound or observed > upper_bound) as is_anomaly
from final
