{% macro run_stamp() -%}
    {#- When this dbt run started (UTC), as a SQL timestamp: the batch stamp
        every incremental model writes on the rows of this run. -#}
    cast(
        '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro latest_run_filter(relation) -%}
    {#- A where clause: the rows the latest run of an incremental model wrote. -#}
    where dbt_loaded_at = (select max(dbt_loaded_at) from {{ relation }})
{%- endmacro %}
