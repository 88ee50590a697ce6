{% macro revisions_ledger(published_relation, keys, figures, where=none) %}
    {#- The select of an append-only revisions ledger (CONTRACT section 7): for
        every row of `published_relation` (those matching `where`) that the
        ledger ({{ this }}) has never held, or whose figures differ from its
        latest revision, one revision numbered from 0 per key, with the build's
        start time and as-of date. The ledger models are incremental, append,
        full_refresh false. -#}
    {%- set key_list = keys | join(', ') -%}
    with

    published as (

        select
            {{ (keys + figures) | join(',\n            ') }}
        from {{ published_relation }}
        {% if where %}where {{ where }}{% endif %}

    ),

    latest_revisions as (

        {% if is_incremental() -%}
            select
                {% for column in keys + ['revision'] + figures -%}
                    revisions.{{ column }}{% if not loop.last %},{% endif %}
                {% endfor %}
            from {{ this }} as revisions
            inner join (
                select
                    {{ key_list }},
                    max(revision) as revision
                from {{ this }}
                group by {{ key_list }}
            ) as newest
                on {% for key in keys %}revisions.{{ key }} = newest.{{ key }} and {% endfor -%}
                revisions.revision = newest.revision
        {%- else -%}
            select
                {{ key_list }},
                -1 as revision,
                {{ figures | join(', ') }}
            from published
            where 1 = 0
        {%- endif %}

    ),

    changed as (

        select
            {% for key in keys %}published.{{ key }},{% endfor %}
            coalesce(latest_revisions.revision + 1, 0) as revision,
            {% for column in figures -%}
                published.{{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from published
        left join latest_revisions
            on {% for key in keys -%}
                published.{{ key }} = latest_revisions.{{ key }}
                {%- if not loop.last %} and {% endif %}
            {%- endfor %}
        where latest_revisions.{{ keys[0] }} is null
            or {{ activity_metrics.figures_differ('published', 'latest_revisions', figures) }}

    )

    select
        {{ key_list }},
        cast(revision as {{ dbt.type_int() }}) as revision,
        {% for column in figures -%}
            cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {% endfor -%}
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}'
            as {{ dbt.type_timestamp() }}
        ) as published_at,
        {{ activity_metrics.date_literal(activity_metrics.as_of_date()) }} as published_as_of_date
    from changed
{% endmacro %}
