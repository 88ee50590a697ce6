{%- set activity_sources = activity_metrics.activity_sources() -%}
{%- set as_of_date = activity_metrics.as_of_date() -%}

with

{% for activity_source in activity_sources %}
    {{ activity_source.source_name }} as (

        select
            '{{ activity_source.source_name }}' as source_name,
            {{ activity_source.id }} as source_row_id,
            {{ activity_source.actor }},
            {{ activity_source.occurred_at }} as occurred_at,
            {% if activity_source.event_type -%}
                {{ activity_source.event_type }}
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as event_type,
            {% if activity_source.category -%}
                '{{ activity_source.category }}'
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as source_category
        from {{ ref(activity_source.model) }}

    ),

{% endfor %}
users as (

    select
        user_id,
        is_excluded
    from {{ ref('int_users_classified') }}

),

activity_event_types as (

    select
        event_type,
        counts_as_activity,
        activity_category
    from {{ ref('activity_event_types') }}

),

events_unioned as (

    {% for activity_source in activity_sources %}
        select * from {{ activity_source.source_name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

events_joined_to_users as (

    select
        events_unioned.source_name,
        events_unioned.source_row_id,
        events_unioned.user_id,
        events_unioned.occurred_at,
        events_unioned.event_type,
        events_unioned.source_category,
        users.user_id is not null as has_known_actor,
        users.is_excluded,
        activity_event_types.counts_as_activity,
        activity_event_types.activity_category as event_type_category,
        {{ activity_metrics.utc_to_local_date('events_unioned.occurred_at') }}
            as activity_date
    from events_unioned
    left join users
        on events_unioned.user_id = users.user_id
    left join activity_event_types
        on events_unioned.event_type = activity_event_types.event_type

),

final as (

    select
        source_name,
        source_row_id,
        user_id,
        occurred_at,
        activity_date,
        event_type,
        coalesce(source_category, event_type_category) as activity_category,
        case
            when user_id is null then 'null_actor'
            when not has_known_actor then 'unknown_actor'
            when is_excluded then 'excluded_user'
            when occurred_at is null then 'null_timestamp'
            when activity_date
                > {{ activity_metrics.date_literal(as_of_date) }}
                then 'after_as_of'
            when source_category is null and counts_as_activity is null
                then 'unknown_event_type'
            when source_category is null and not counts_as_activity
                then 'non_counting_event_type'
        end as rejection_reason
    from events_joined_to_users

)

select * from final
