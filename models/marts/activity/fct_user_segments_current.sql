{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set wau_days = activity_metrics.checked_var('activity__wau_days') -%}
{%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
{%- set as_of = activity_metrics.date_literal(as_of_date) -%}
{%- set recency_buckets = activity_metrics.recency_buckets() -%}

{#-
    The detailed breakdown as of the as-of date (`activity-metrics show
    --detailed`): DAU, WAU and MAU by activity category, source and account
    type (int_user_segments_as_of) and by lifecycle (new or returning), and
    users by recency of their last activity, over the user base of
    total_users (created, not deleted, on the as-of date).
-#}

with

segment_counts as (

    select * from {{ ref('int_user_segments_as_of') }}

),

user_base as (

    select
        classified_users.user_id,
        user_last_activity.last_activity_date
    from {{ ref('int_users_classified') }} as classified_users
    left join {{ ref('user_last_activity') }} as user_last_activity
        on classified_users.user_id = user_last_activity.user_id
    where classified_users.user_base_joined_date <= {{ as_of }}
        and (
            classified_users.user_base_left_date is null
            or classified_users.user_base_left_date > {{ as_of }}
        )

),

lifecycle_users as (

    select
        user_id,
        {{ dbt.datediff('first_activity_date', as_of, 'day') }}
            as days_since_first_active,
        {{ dbt.datediff('last_activity_date', as_of, 'day') }}
            as days_since_active
    from {{ ref('user_last_activity') }}
    where last_activity_date > {{ activity_metrics.add_days(as_of, -mau_days) }}

),

lifecycle_counts as (

    {% for segment, comparison in [('new', '<'), ('returning', '>=')] %}
        select
            'lifecycle' as dimension,
            '{{ segment }}' as segment,
            sum(
                case
                    when days_since_active = 0
                        and days_since_first_active {{ comparison }} 1
                        then 1
                    else 0
                end
            ) as dau,
            sum(
                case
                    when days_since_active < {{ wau_days }}
                        and days_since_first_active
                        {{ comparison }} {{ wau_days }}
                        then 1
                    else 0
                end
            ) as wau,
            sum(
                case
                    when days_since_first_active {{ comparison }} {{ mau_days }}
                        then 1
                    else 0
                end
            ) as mau,
            cast(null as {{ dbt.type_bigint() }}) as user_count
        from lifecycle_users
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

user_base_by_recency as (

    select
        case
            when last_activity_date is null then '{{ recency_buckets[-1].segment }}'
            {%- for bucket in recency_buckets[:-2] %}
                when
                    last_activity_date
                    > {{ activity_metrics.add_days(as_of, -(bucket.max_days_ago + 1)) }}
                    then '{{ bucket.segment }}'
            {%- endfor %}
            else '{{ recency_buckets[-2].segment }}'
        end as segment
    from user_base

),

recency_counts as (

    select
        'recency' as dimension,
        segment,
        cast(null as {{ dbt.type_bigint() }}) as dau,
        cast(null as {{ dbt.type_bigint() }}) as wau,
        cast(null as {{ dbt.type_bigint() }}) as mau,
        count(*) as user_count
    from user_base_by_recency
    group by segment

),

final as (

    select
        {{ as_of }} as as_of_date,
        dimension,
        segment,
        cast(dau as {{ dbt.type_bigint() }}) as dau,
        cast(wau as {{ dbt.type_bigint() }}) as wau,
        cast(mau as {{ dbt.type_bigint() }}) as mau,
        cast(user_count as {{ dbt.type_bigint() }}) as user_count,
        case
            {%- for bucket in recency_buckets %}
                when dimension = 'recency' and segment = '{{ bucket.segment }}'
                    then {{ bucket.segment_order }}
            {%- endfor %}
        end as segment_order
    from (
        select * from segment_counts
        union all
        select * from lifecycle_counts
        union all
        select * from recency_counts
    ) as segments_unioned

)

select * from final
