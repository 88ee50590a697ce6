{% macro period_types() %}
    {#- The period kinds of growth accounting (CONTRACT section 4), in order:
        a calendar day, an ISO week (Monday to Sunday), a calendar month, all
        in the reporting zone. -#}
    {{- return(['day', 'week', 'month']) -}}
{% endmacro %}

{% macro period_start(period_type, date_expression) -%}
    {#- The first day of the period of a kind that contains a date (a date). -#}
    {%- if period_type == 'day' -%}
        cast({{ date_expression }} as date)
    {%- else -%}
        cast({{ dbt.date_trunc(period_type, date_expression) }} as date)
    {%- endif -%}
{%- endmacro %}

{% macro shift_period(period_type, period_start_expression, periods) -%}
    {#- The start of the period `periods` kinds away (calendar arithmetic: a
        day, seven days, a calendar month; never 24-hour steps). -#}
    cast({{ dbt.dateadd(period_type, periods, period_start_expression) }} as date)
{%- endmacro %}

{% macro delete_rebuilt_periods(period_column, period_type_column, period_types=none) %}
    {#- Pre-hook of the period models (growth accounting, stickiness): delete,
        per period kind, the periods this run recomputes (from the one
        containing the series' rebuild start), in the model's transaction.
        period_types: the kinds the model holds (default: all). -#}
    {%- if is_incremental() -%}
        {%- set condition -%}
        {%- for period_type in period_types or activity_metrics.period_types() %}
            ({{ period_type_column }} = '{{ period_type }}'
                and {{ period_column }} >= {{ activity_metrics.rebuilt_from(period_type) }})
            {%- if not loop.last %} or{% endif %}
        {%- endfor %}
        {%- endset -%}
        {{ activity_metrics.set_rebuild_start() }}
        {{ activity_metrics.delete_rows(this, [condition]) }}
    {%- endif -%}
{% endmacro %}
