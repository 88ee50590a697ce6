{#- The large incremental tables (the activity events, the user-day fact) are
    partitioned by month of their date on Spark, so a nightly rewrites the
    months it touches and nothing else (spark__delete_rows). The partition key
    is a column of its own, `activity_month`, that exists on Spark only: the
    other engines' tables, and every published relation, are unchanged. -#}

{% macro month_partition_by() %}
    {#- The `partition_by` config of a month-partitioned model. -#}
    {{- return(adapter.dispatch('month_partition_by', 'activity_metrics')()) -}}
{% endmacro %}

{% macro default__month_partition_by() %}
    {{- return(none) -}}
{% endmacro %}

{% macro spark__month_partition_by() %}
    {{- return('activity_month') -}}
{% endmacro %}

{% macro month_partition_column(date_column) %}
    {#- The partition key as the last item of the model's select list (with
        its leading comma), or nothing where tables are not partitioned. -#}
    {{- return(adapter.dispatch('month_partition_column', 'activity_metrics')(date_column)) -}}
{% endmacro %}

{% macro default__month_partition_column(date_column) %}{% endmacro %}

{% macro spark__month_partition_column(date_column) %}
    {#- A row without a date (a rejected row) lives in the month 1000-01. -#}
    , coalesce(
        cast({{ dbt.date_trunc('month', date_column) }} as date),
        cast('1000-01-01' as date)
    ) as activity_month
{% endmacro %}
