{% macro check_raw_tables_exist() %}
    {#- Fail with one clear message that lists every missing raw table and
        every missing column the contract names (the columns of the source
        tables in _app__sources.yml), instead of a database error from the
        first view that reads one (DuckDB's binder names a "candidate"
        column, which misleads). -#}
    {%- set missing = [] -%}
    {%- set missing_columns = [] -%}
    {%- for node in graph.sources.values()
        if node.source_name == 'app' -%}
        {%- set relation = adapter.get_relation(
            database=node.database,
            schema=node.schema,
            identifier=node.identifier) -%}
        {%- if relation is none -%}
            {%- do missing.append(node.schema ~ '.' ~ node.identifier) -%}
        {%- else -%}
            {%- set present = [] -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
            {%- set absent = [] -%}
            {%- for name in node.columns if name | lower not in present -%}
                {%- do absent.append(name) -%}
            {%- endfor -%}
            {%- if absent -%}
                {%- do missing_columns.append(node.schema ~ '.' ~ node.identifier
                    ~ ' lacks ' ~ (absent | join(', '))) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{- exceptions.raise_compiler_error(
            "Raw tables missing: " ~ (missing | join(', '))
            ~ ". Point ACTIVITY_SOURCE_SCHEMA (or var activity__source_schema) at"
            ~ " the app's schema, or create demo data with `activity-metrics generate`.") -}}
    {%- endif -%}
    {%- if missing_columns -%}
        {{- exceptions.raise_compiler_error(
            "Raw columns missing: " ~ (missing_columns | join('; '))
            ~ ". The project reads the columns of the data contract"
            ~ " (docs/CONTRACT.md, section 1; models/staging/app/_app__sources.yml):"
            ~ " restore them, or adapt the staging view of that table.") -}}
    {%- endif -%}
{% endmacro %}
