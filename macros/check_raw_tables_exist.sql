{% macro check_raw_tables_exist() %}
    {#- Fail with one clear message that lists every missing raw table,
        instead of a database error from the first view that reads one. -#}
    {%- set missing = [] -%}
    {%- for node in graph.sources.values()
        if node.source_name == 'app' -%}
        {%- set relation = adapter.get_relation(
            database=node.database,
            schema=node.schema,
            identifier=node.identifier) -%}
        {%- if relation is none -%}
            {%- do missing.append(node.schema ~ '.' ~ node.identifier) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{- exceptions.raise_compiler_error(
            "Raw tables missing: " ~ (missing | join(', '))
            ~ ". Point var activity__source_schema at the app's schema, or "
            ~ "create demo data with `activity-metrics generate`.") -}}
    {%- endif -%}
{% endmacro %}
