{% macro delete_rows(relation, conditions=none) %}
    {#- Delete the rows of `relation` that match any of `conditions` (a list
        of SQL predicates; none deletes every row). The pre-hooks of the
        incremental models delete what a run rewrites through this macro;
        the engines differ in how. -#}
    {{- return(adapter.dispatch('delete_rows', 'activity_metrics')(
        relation, conditions)) -}}
{% endmacro %}

{% macro default__delete_rows(relation, conditions) %}
    {#- One DELETE per condition (each can use its own index), in the
        model's transaction. -#}
    {%- if conditions is none -%}
        delete from {{ relation }}
    {%- else -%}
        {%- for condition in conditions %}
        delete from {{ relation }}
        where {{ condition }}
        {%- if not loop.last %};{% endif %}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{% macro spark__delete_rows(relation, conditions) %}
    {#- Delta, Iceberg and Hudi tables take a DELETE; plain Parquet tables
        have none: the rows to keep are copied aside and written back with
        INSERT OVERWRITE (Spark cannot overwrite a table it is reading).
        The statements run here, while the hook renders; the hook itself is
        then empty. Costs one rewrite of the table: see "Running on a
        cluster" in the README. -#}
    {%- if config.get('file_format', 'parquet') in ['delta', 'iceberg', 'hudi'] -%}
        {{- return(activity_metrics.default__delete_rows(relation, conditions)) -}}
    {%- endif -%}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set kept = activity_metrics.spark_scratch_relation(relation, 'kept') -%}
    {%- set predicate = 'false' if conditions is none
        else '(' ~ conditions | join(') or (') ~ ')' -%}
    {%- if config.get('partition_by') and conditions is not none -%}
        {{- return(activity_metrics.spark_delete_in_partitions(
            relation, config.get('partition_by'), predicate, kept)) -}}
    {%- endif -%}
    {%- do run_query('drop table if exists ' ~ kept) -%}
    {%- do run_query(
        'create table ' ~ kept ~ ' using parquet as select * from ' ~ relation
        ~ ' where not coalesce(' ~ predicate ~ ', false)') -%}
    {%- do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ kept) -%}
    {%- do run_query('drop table if exists ' ~ kept) -%}
    {{- return('') -}}
{% endmacro %}

{% macro spark_delete_in_partitions(relation, partition_by, predicate, kept) %}
    {#- The partitioned tables (month_partition_by): only the partitions that
        hold a row to delete are rewritten, with dynamic partition overwrite
        (the other partitions' files are never touched). A partition whose
        every row goes is dropped: an overwrite with no row for a partition
        leaves it as it was. Killed part-way, the next run's delete (the same
        stamps, the same predicate) finds the same rows and finishes it. -#}
    {%- set key = partition_by if partition_by is string else partition_by[0] -%}
    {%- set touched = run_query(
        'select distinct cast(' ~ key ~ ' as string) from ' ~ relation
        ~ ' where coalesce(' ~ predicate ~ ', false)').columns[0].values() -%}
    {%- if touched | length == 0 -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set in_touched = key ~ " in (cast('" ~ touched | join("' as date), cast('")
        ~ "' as date))" -%}
    {%- do run_query('drop table if exists ' ~ kept) -%}
    {%- do run_query(
        'create table ' ~ kept ~ ' using parquet as select * from ' ~ relation
        ~ ' where ' ~ in_touched ~ ' and not coalesce(' ~ predicate ~ ', false)') -%}
    {%- set still_held = run_query(
        'select distinct cast(' ~ key ~ ' as string) from ' ~ kept).columns[0].values() -%}
    {%- do run_query('set spark.sql.sources.partitionOverwriteMode = dynamic') -%}
    {%- do run_query('insert overwrite table ' ~ relation ~ ' partition (' ~ key
        ~ ') select * from ' ~ kept) -%}
    {%- set emptied = [] -%}
    {%- for month in touched if month not in still_held -%}
        {%- do run_query('alter table ' ~ relation ~ ' drop if exists partition ('
            ~ key ~ " = '" ~ month ~ "')") -%}
        {%- do emptied.append(month) -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists ' ~ kept) -%}
    {%- do log('activity_metrics: ' ~ relation.identifier ~ ': rewrote '
        ~ (touched | length - emptied | length) ~ ' month partition(s), dropped '
        ~ (emptied | length) ~ ' left empty', info=true) -%}
    {{- return('') -}}
{% endmacro %}

{% macro spark_scratch_relation(relation, suffix) %}
    {#- A scratch table beside `relation`, for the Spark rewrites. -#}
    {{- return(api.Relation.create(
        database=relation.database, schema=relation.schema,
        identifier=relation.identifier ~ '__' ~ suffix, type='table')) -}}
{% endmacro %}

{% macro drop_scratch_tables() %}
    {#- Post-hook of the keyed models: the batch table of a Spark
        delete+insert goes (nothing to drop elsewhere). -#}
    {{- return(adapter.dispatch('drop_scratch_tables', 'activity_metrics')()) -}}
{% endmacro %}

{% macro default__drop_scratch_tables() %}{% endmacro %}

{% macro spark__drop_scratch_tables() %}
    {%- if is_incremental() -%}
        drop table if exists {{ activity_metrics.spark_scratch_relation(this, 'batch') }}
    {%- endif -%}
{% endmacro %}
