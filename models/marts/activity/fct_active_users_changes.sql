{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set metrics = [('dau', 'DAU', 1), ('wau', 'WAU', 2), ('mau', 'MAU', 3)] -%}

{#-
    The change of DAU, WAU and MAU against 7 and 28 days earlier, per day of
    the series: the one place the change is computed (the CLI's `show`, the
    headline dashboard and anyone else read it). Earlier days are found by
    calendar date (date - 7, date - 28), never by row position; a day without
    an earlier day in the series has a null change.
-#}

with

daily_series as (

    select
        date_day,
        dau,
        wau,
        mau
    from {{ ref('fct_active_users_daily') }}

),

metric_days as (

    {% for metric, label, position in metrics %}
        select
            current_day.date_day,
            '{{ metric }}' as metric_name,
            '{{ label }}' as metric_label,
            {{ position }} as metric_position,
            current_day.{{ metric }} as metric_value,
            week_before.{{ metric }} as value_7_days_earlier,
            four_weeks_before.{{ metric }} as value_28_days_earlier
        from daily_series as current_day
        left join daily_series as week_before
            on week_before.date_day
                = {{ activity_metrics.add_days('current_day.date_day', -7) }}
        left join daily_series as four_weeks_before
            on four_weeks_before.date_day
                = {{ activity_metrics.add_days('current_day.date_day', -28) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        date_day,
        metric_name,
        metric_label,
        metric_position,
        metric_value,
        value_7_days_earlier,
        metric_value - value_7_days_earlier as change_7d,
        {{ activity_metrics.safe_ratio(
            'metric_value - value_7_days_earlier', 'value_7_days_earlier') }}
            as change_7d_pct,
        value_28_days_earlier,
        metric_value - value_28_days_earlier as change_28d,
        {{ activity_metrics.safe_ratio(
            'metric_value - value_28_days_earlier', 'value_28_days_earlier') }}
            as change_28d_pct,
        date_day = {{ activity_metrics.date_literal(as_of_date) }} as is_as_of_date
    from metric_days

)

select * from final
