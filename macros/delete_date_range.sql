{% macro delete_date_range(date_column, date_range) %}
    {#- Pre-hook of the incremental models: delete every row of the date range
        that this run rebuilds, then the model appends the new rows. Unlike a
        merge on a key, a row no longer produced inside the range (say, a user
        later marked as test) disappears too. Runs in the model's transaction:
        if the insert fails, the delete is rolled back. Hooks render at run
        time, after the model's SQL was compiled: both see the same range. -#}
    {%- if is_incremental() -%}
        {%- set condition -%}
            1 = 1
            {%- if date_range.start is not none %}
            and {{ date_column }}
            >= {{ activity_metrics.date_literal(date_range.start) }}
            {%- endif %}
            {%- if date_range.end_inclusive %}
            and {{ date_column }}
            <= {{ activity_metrics.date_literal(date_range.end) }}
            {%- endif %}
        {%- endset -%}
        {{ activity_metrics.delete_rows(this, [condition]) }}
    {%- endif -%}
{% endmacro %}
