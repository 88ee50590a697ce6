{% macro engagement_windows() %}
    {#- The windows of the power-user curve (CONTRACT section 6): the WAU and
        the MAU window, in days. -#}
    {{- return([
        activity_metrics.checked_var('activity__wau_days'),
        activity_metrics.checked_var('activity__mau_days')]) -}}
{% endmacro %}
