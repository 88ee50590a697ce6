{% macro missing_row_key(source_relation_columns) -%}
    {#- A stand-in key for a raw row without an id: a negative bigint hashed
        from the row's content (raw ids are positive), so the same row read
        again gets the same key and exact copies fall together as duplicates.
        Such rows are rejected (null_row_id), never counted. -#}
    {%- set parts = [] -%}
    {%- for column in source_relation_columns -%}
        {%- do parts.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    {{ adapter.dispatch('missing_row_key', 'activity_metrics')(parts | join(" || '|' || ")) }}
{%- endmacro %}

{% macro default__missing_row_key(text_expression) -%}
    (-1 - (hashtextextended({{ text_expression }}, 0) & 4611686018427387903))
{%- endmacro %}

{% macro duckdb__missing_row_key(text_expression) -%}
    (-1 - cast(hash({{ text_expression }}) & 4611686018427387903 as bigint))
{%- endmacro %}

{% macro spark__missing_row_key(text_expression) -%}
    (-1 - (xxhash64({{ text_expression }}) & 4611686018427387903))
{%- endmacro %}
