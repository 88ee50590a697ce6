{% macro user_day_rebuild_range() %}
    {#- The local-date range that this run of the user-day fact rebuilds:
        start and end as YYYY-MM-DD strings (start none = from the beginning);
        end_inclusive false means rows after end are deleted too.
        - full refresh / first run: everything through the as-of date;
        - backfill vars set: exactly that range;
        - nightly: from the newest day already built minus the lookback
          (late rows) through the as-of date; rows after the as-of date, if
          the as-of date moved back, are removed as well. -#}
    {%- set as_of = activity_metrics.as_of_date() -%}
    {%- set backfill_start = var('activity__backfill_start_date', none) -%}
    {%- if not is_incremental() -%}
        {{- return({'start': none, 'end': as_of, 'end_inclusive': false}) -}}
    {%- elif backfill_start is not none -%}
        {%- set backfill_end = var('activity__backfill_end_date') | string -%}
        {{- return({
            'start': backfill_start | string,
            'end': [backfill_end, as_of] | min,
            'end_inclusive': true}) -}}
    {%- endif -%}
    {%- set start = none -%}
    {%- if execute -%}
        {%- set newest = run_query(
            'select max(activity_date) from ' ~ this).columns[0].values()[0] -%}
        {%- if newest is not none -%}
            {%- set start = (
                modules.datetime.date.fromisoformat((newest | string)[:10])
                - modules.datetime.timedelta(
                    days=var('activity__lookback_days'))).isoformat() -%}
            {%- set start = [start, as_of] | min -%}
        {%- endif -%}
    {%- endif -%}
    {{- return({'start': start, 'end': as_of, 'end_inclusive': false}) -}}
{% endmacro %}
