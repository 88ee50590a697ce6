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

{% macro period_start_string(period_type, date_string) -%}
    {#- period_start for a YYYY-MM-DD string, in Jinja (for rebuild bounds). -#}
    {%- set day = modules.datetime.date.fromisoformat(date_string) -%}
    {%- if period_type == 'week' -%}
        {%- set day = day - modules.datetime.timedelta(days=day.weekday()) -%}
    {%- elif period_type == 'month' -%}
        {%- set day = day.replace(day=1) -%}
    {%- endif -%}
    {{- return(day.isoformat()) -}}
{%- endmacro %}

{% macro period_rebuild_starts(rebuild_start) %}
    {#- Per period kind, the first period a run recomputes: the one that
        contains rebuild_start (a YYYY-MM-DD string), or none for all. -#}
    {%- set starts = {} -%}
    {%- for period_type in activity_metrics.period_types() -%}
        {%- do starts.update({period_type: none if rebuild_start is none
            else activity_metrics.period_start_string(period_type, rebuild_start)}) -%}
    {%- endfor -%}
    {{- return(starts) -}}
{% endmacro %}

{% macro delete_rebuilt_periods(period_column, period_type_column, newest_day_query=none,
    period_types=none) %}
    {#- Pre-hook of the period models (growth accounting, stickiness): delete,
        per period kind, the periods this run recomputes (from the one
        containing the series' rebuild start), in the model's transaction.
        newest_day_query: the newest day the model holds (default: its newest
        daily period); period_types: the kinds it holds (default: all). -#}
    {%- if is_incremental() -%}
        {%- set rebuild_start = activity_metrics.series_rebuild_start(
            newest_day_query
            or "select max(period_start) from " ~ this ~ " where period_type = 'day'") -%}
        {%- set starts = activity_metrics.period_rebuild_starts(rebuild_start) -%}
        {%- if rebuild_start is not none -%}
            {%- set condition -%}
            {%- for period_type in period_types or activity_metrics.period_types() %}
            ({{ period_type_column }} = '{{ period_type }}'
                and {{ period_column }}
                >= {{ activity_metrics.date_literal(starts[period_type]) }})
            {%- if not loop.last %} or{% endif %}
            {%- endfor %}
            {%- endset -%}
            {{ activity_metrics.delete_rows(this, [condition]) }}
        {%- else -%}
            {{ activity_metrics.delete_rows(this) }}
        {%- endif %}
    {%- endif -%}
{% endmacro %}
