{% macro window_exit_date(activity_date, next_activity_date, window_days) -%}
    {#- The first day on which a user active on activity_date, and next
        active on next_activity_date, stops being counted by this stretch of
        a window_days rolling window: activity_date + window_days, or the next
        active day when that comes first (a new stretch starts there). -#}
    case
        when {{ next_activity_date }} is not null
            and {{ next_activity_date }}
            < {{ activity_metrics.add_days(activity_date, window_days) }}
            then {{ next_activity_date }}
        else {{ activity_metrics.add_days(activity_date, window_days) }}
    end
{%- endmacro %}
