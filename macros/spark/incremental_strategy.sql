{#- dbt-spark knows append, insert_overwrite, merge (Delta, Iceberg, Hudi)
    and microbatch. The two keyed models of this project replace rows by key
    (delete+insert, as on PostgreSQL and DuckDB); these two macros of
    dbt-spark's incremental materialization are redefined here (the root
    project's macros take precedence over an adapter's) to add that strategy
    and hand every other strategy back to dbt-spark's own macros. -#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' -%}
        {{- return(raw_strategy) -}}
    {%- endif -%}
    {%- if raw_strategy not in ['append', 'merge', 'insert_overwrite', 'microbatch'] -%}
        {{- exceptions.raise_compiler_error(
            "Invalid incremental strategy provided: " ~ raw_strategy
            ~ " (on Spark: append, insert_overwrite, merge, microbatch or delete+insert)") -}}
    {%- endif -%}
    {%- if raw_strategy == 'merge' and file_format not in ['delta', 'iceberg', 'hudi'] -%}
        {{- exceptions.raise_compiler_error(
            "the merge strategy needs file_format delta, iceberg or hudi") -}}
    {%- endif -%}
    {{- return(raw_strategy) -}}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'delete+insert' -%}
        {{- return(activity_metrics.spark_delete_insert_sql(source, target, unique_key)) -}}
    {%- elif strategy == 'append' -%}
        {{- return(get_insert_into_sql(source, target)) -}}
    {%- elif strategy == 'insert_overwrite' -%}
        {{- return(get_insert_overwrite_sql(source, target, existing)) -}}
    {%- elif strategy == 'microbatch' -%}
        {{- return(get_insert_overwrite_sql(source, target, existing)) -}}
    {%- else -%}
        {{- return(get_merge_sql(target, source, unique_key, dest_columns=none,
            incremental_predicates=incremental_predicates)) -}}
    {%- endif -%}
{% endmacro %}

{% macro spark_delete_insert_sql(source, target, unique_key) %}
    {#- The new rows (`source`, a view that may read `target` itself) are
        first written down, then the target's rows with their keys are
        deleted (activity_metrics.delete_rows) and the new rows appended. -#}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set batch = activity_metrics.spark_scratch_relation(target, 'batch') -%}
    {%- do run_query('drop table if exists ' ~ batch) -%}
    {%- do run_query('create table ' ~ batch ~ ' using parquet as select * from ' ~ source) -%}
    {%- set condition -%}
        ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from {{ batch }})
    {%- endset -%}
    {#- on Parquet delete_rows runs its statements itself and returns none to
        run; on Delta it returns the DELETE -#}
    {%- set delete_sql = activity_metrics.delete_rows(target, [condition]) -%}
    {%- if delete_sql | trim -%}
        {%- do run_query(delete_sql) -%}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(target)
        | map(attribute='quoted') | join(', ') -%}
    insert into table {{ target }} select {{ columns }} from {{ batch }}
{% endmacro %}
