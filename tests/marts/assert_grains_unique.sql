{#-
    The grain of every table the nightly rebuilds whole or per day is unique
    and has no null part: one test instead of one per table (the nightly's
    fixed cost is per node). A failure names the relation, its grain and the
    key that occurs more than once or has a null part. The large incremental
    tables keep their own guards (the keys written tonight), and their
    full-table key tests run weekly (tag full_history).
-#}

{%- set grains = [
    ('activity_metrics_current', ['as_of_date']),
    ('fct_active_users_daily', ['date_day']),
    ('fct_active_users_changes', ['date_day', 'metric_name']),
    ('fct_active_users_by_segment_daily', ['segment_dimension', 'segment_value', 'date_day']),
    ('fct_active_days_distribution_daily', ['date_day', 'window_days', 'active_days']),
    ('fct_user_segments_current', ['dimension', 'segment']),
    ('fct_active_users_daily_revisions', ['date_day', 'revision']),
    ('fct_growth_accounting', ['period_type', 'period_start']),
    ('fct_growth_accounting_revisions', ['period_type', 'period_start', 'revision']),
    ('fct_stickiness', ['period_type', 'period_start', 'active_days']),
    ('fct_retention_cohorts', ['cohort_month', 'months_since_first']),
    ('int_rolling_actives_daily', ['segment_dimension', 'segment_value', 'date_day']),
    ('mon_method_comparison_daily', ['date_day']),
    ('mon_tracking_coverage_daily', ['date_day']),
    ('mon_tracking_coverage_checks', ['check_name']),
    ('mon_unclassified_event_types', ['event_type']),
    ('mon_raw_rows_by_status', ['source_name', 'row_status']),
    ('mon_restatements', ['date_day', 'revision']),
    ('mon_activity_anomalies', ['monitor_name', 'series_name', 'date_day']),
    ('metricflow_time_spine', ['date_day']),
] %}

with

{% for model_name, columns in grains %}
    {{ model_name }}_keys as (

        select
            '{{ model_name }}' as relation,
            '{{ columns | join(", ") }}' as grain,
            {% for column in columns -%}
                coalesce(cast({{ column }} as {{ dbt.type_string() }}), 'null')
                {%- if not loop.last %} || ', ' || {% endif %}
            {%- endfor %} as key_value,
            count(*) as occurrences
        from {{ ref(model_name) }}
        group by
            {{ columns | join(',\n            ') }}
        having count(*) > 1
            {%- for column in columns %}
                or {{ column }} is null
            {%- endfor %}

    ),

{% endfor %}
final as (

    {% for model_name, columns in grains %}
        select * from {{ model_name }}_keys
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
