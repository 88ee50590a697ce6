{% macro utc_to_local_date(utc_timestamp, timezone=none) %}
    {#- The calendar date, in the reporting zone, of a naive UTC timestamp.
        Converts through the zone's rules, so 23- and 25-hour days are right;
        never adds a fixed offset. -#}
    {%- set zone = timezone or activity_metrics.reporting_timezone() -%}
    {{- return(adapter.dispatch('utc_to_local_date', 'activity_metrics')(
        utc_timestamp, zone)) -}}
{% endmacro %}

{% macro default__utc_to_local_date(utc_timestamp, timezone) -%}
    cast((({{ utc_timestamp }}) at time zone 'UTC') at time zone '{{ timezone }}' as date)
{%- endmacro %}

{% macro spark__utc_to_local_date(utc_timestamp, timezone) -%}
    to_date(from_utc_timestamp({{ utc_timestamp }}, '{{ timezone }}'))
{%- endmacro %}
