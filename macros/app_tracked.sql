{% macro app_tracked(app_last_activity_at, last_activity_at) -%}
    {#- The one definition of "the app's own tracking saw this activity": its
        users.last_activity_at is at or after the activity, less the touch
        writer's cooldown (var activity__cooldown_minutes: a touch within the
        cooldown of the previous one is not written). False when the app's
        value is null. -#}
    coalesce({{ app_last_activity_at }} >= {{ dbt.dateadd(
        'minute',
        -activity_metrics.checked_var('activity__cooldown_minutes'),
        last_activity_at) }}, false)
{%- endmacro %}
