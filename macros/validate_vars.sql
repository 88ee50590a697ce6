{% macro validate_vars() %}
    {#- on-run-start: fail early, with a clear message, on a bad var. -#}
    {%- set _zone = activity_metrics.reporting_timezone() -%}
    {%- for name in [
        'activity__as_of_date',
        'activity__backfill_start_date',
        'activity__backfill_end_date',
    ] -%}
        {%- set value = var(name, none) -%}
        {%- if value is not none and value | string | trim != '' -%}
            {%- if not modules.re.match(
                '^\d{4}-\d{2}-\d{2}$', value | string | trim) -%}
                {{- exceptions.raise_compiler_error(
                    name ~ "='" ~ value ~ "' is not a date (YYYY-MM-DD).") -}}
            {%- endif -%}
            {%- set _parsed = modules.datetime.date.fromisoformat(
                value | string | trim) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set start = var('activity__backfill_start_date', none) -%}
    {%- set end = var('activity__backfill_end_date', none) -%}
    {%- if (start is none) != (end is none) -%}
        {{- exceptions.raise_compiler_error(
            "Set both activity__backfill_start_date and "
            ~ "activity__backfill_end_date, or neither.") -}}
    {%- endif -%}
    {%- if start is not none and (start | string) > (end | string) -%}
        {{- exceptions.raise_compiler_error(
            "activity__backfill_start_date is after "
            ~ "activity__backfill_end_date.") -}}
    {%- endif -%}
    {%- for name, minimum in [
        ('activity__wau_days', 1),
        ('activity__mau_days', 1),
        ('activity__id_margin', 0),
        ('activity__loaded_at_margin_hours', 0),
        ('activity__validation_days', 1),
    ] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value < minimum
            or value != (value | int) -%}
            {{- exceptions.raise_compiler_error(
                name ~ "=" ~ value ~ " must be a whole number >= "
                ~ minimum ~ ".") -}}
        {%- endif -%}
    {%- endfor -%}
    {%- set loaded_at_columns = var('activity__loaded_at_columns', {}) -%}
    {%- if loaded_at_columns is not mapping -%}
        {{- exceptions.raise_compiler_error(
            "activity__loaded_at_columns must map source names to column names,"
            ~ " e.g. {send_transactions: _fivetran_synced}.") -}}
    {%- endif -%}
    {%- set source_names = activity_metrics.activity_sources()
        | map(attribute='source_name') | list -%}
    {%- for source_name, column in loaded_at_columns.items() -%}
        {%- if source_name not in source_names -%}
            {{- exceptions.raise_compiler_error(
                "activity__loaded_at_columns: '" ~ source_name
                ~ "' is not an activity source (" ~ source_names | join(', ')
                ~ ").") -}}
        {%- endif -%}
        {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column | string) -%}
            {{- exceptions.raise_compiler_error(
                "activity__loaded_at_columns: '" ~ column
                ~ "' is not a column name.") -}}
        {%- endif -%}
    {%- endfor -%}
    {%- if var('activity__wau_days') > var('activity__mau_days') -%}
        {{- exceptions.raise_compiler_error(
            "activity__wau_days must not exceed activity__mau_days.") -}}
    {%- endif -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {{- activity_metrics.check_raw_tables_exist() -}}
    {%- endif -%}
{% endmacro %}
