{% macro recency_buckets() %}
    {#- The recency buckets of the detailed breakdown, defined once: a list of
        {segment, segment_order, max_days_ago} from the window vars (0 days,
        1 to WAU-1, WAU to MAU-1, MAU to 89, 90+; an empty range is left out).
        max_days_ago is inclusive; none for the open last bucket. The mart
        writes the labels and their order; the CLI prints them as they are. -#}
    {%- set wau_days = activity_metrics.checked_var('activity__wau_days') -%}
    {%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
    {%- set bounds = [0, 1, wau_days, mau_days, 90] | unique | sort | list -%}
    {%- set buckets = [] -%}
    {%- for low in bounds -%}
        {%- set high = bounds[loop.index] - 1 if not loop.last else none -%}
        {%- if low == 0 -%}
            {%- set label = '0 days (active on the day)' -%}
        {%- elif high is none -%}
            {%- set label = low ~ '+ days' -%}
        {%- else -%}
            {%- set label = low ~ '-' ~ high ~ ' days' -%}
        {%- endif -%}
        {%- do buckets.append({'segment': label, 'segment_order': loop.index,
            'max_days_ago': high}) -%}
    {%- endfor -%}
    {%- do buckets.append({'segment': 'never active',
        'segment_order': bounds | length + 1, 'max_days_ago': none}) -%}
    {{- return(buckets) -}}
{% endmacro %}
