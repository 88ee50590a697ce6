{{ config(materialized='table') }}

{#
    The run's memory, frozen when it starts: one row per stateful model
    (macros/incremental/run_scope.sql, stateful_models) with the stamps its
    last committed run wrote on its rows and the newest day it holds. Every
    incremental model reads its own row here, in SQL, to decide what it
    rewrites; none runs a query while it compiles. Built before any of them
    writes (each refs it), so a model's delete and its insert see the same
    state. A model never built, dropped or empty has null stamps (and every
    model on a full refresh): it is rebuilt in full. Read from the rows themselves, so a killed run leaves
    nothing to repair: its rows and stamps commit together or not at all,
    and an older stamp only makes the next run redo more, never less.
#}

{%- set stamp_types = {
    'events_loaded_through': dbt.type_timestamp(),
    'users_loaded_through': dbt.type_timestamp(),
    'built_as_of': 'date',
} %}

with

{% for model in activity_metrics.stateful_models() %}
    {#- a full refresh rebuilds every model it selects: no state -#}
    {%- set stored = none if flags.FULL_REFRESH
        else activity_metrics.stored_relation(model.name) %}
    {{ model.name }}_state as (

        {% if stored is not none -%}
            select
                '{{ model.name }}' as model_name,
                max(dbt_loaded_at) as dbt_loaded_at,
                {% for column, column_type in stamp_types.items() -%}
                    {% if column in model.columns -%}
                        cast(max({{ column }}) as {{ column_type }})
                    {%- else -%}
                        cast(null as {{ column_type }})
                    {%- endif %} as {{ column }},
                {% endfor -%}
                {% if model.newest_day -%}
                    (select cast({{ model.newest_day }} as date) from {{ stored }})
                {%- else -%}
                    cast(null as date)
                {%- endif %} as newest_day
            from {{ stored }}
            where dbt_loaded_at = (select max(dbt_loaded_at) from {{ stored }})
        {%- else -%}
            select
                '{{ model.name }}' as model_name,
                cast(null as {{ dbt.type_timestamp() }}) as dbt_loaded_at,
                {% for column, column_type in stamp_types.items() -%}
                    cast(null as {{ column_type }}) as {{ column }},
                {% endfor -%}
                cast(null as date) as newest_day
        {%- endif %}

    ),

{% endfor %}
final as (

    {% for model in activity_metrics.stateful_models() %}
        select * from {{ model.name }}_state
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
