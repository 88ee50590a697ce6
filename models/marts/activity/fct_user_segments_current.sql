{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set wau_days = activity_metrics.checked_var('activity__wau_days') -%}
{%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
{%- set as_of = activity_metrics.date_literal(as_of_date) -%}
{%- set recency_buckets = activity_metrics.recency_buckets() -%}

{#-
    The detailed breakdown as of the as-of date (`activity-metrics show
    --detailed`): DAU, WAU and MAU by activity category, by source, by
    account type and by lifecycle (new or returning), and users by recency
    of their last activity. A user counts in every segment they were active
    in, so segments of one dimension can add up to more than the total.
    Activity counts for every user that is neither staff nor test (signup and
    deletion do not filter activity); recency is over the user base of
    total_users (created, not deleted, on the as-of date).
-#}

with

window_user_days as (

    select
        user_id,
        activity_date,
        {% for category in activity_metrics.activity_categories() -%}
            {{ category }}_count
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of }}
        and activity_date > {{ activity_metrics.add_days(as_of, -mau_days) }}

),

window_source_days as (

    -- from the fact's per-source counts: never the raw rows
    {% for activity_source in activity_metrics.activity_sources() -%}
        select
            user_id,
            activity_date,
            '{{ activity_source.source_name }}' as source_name
        from {{ ref('fct_user_days') }}
        where activity_date <= {{ as_of }}
            and activity_date > {{ activity_metrics.add_days(as_of, -mau_days) }}
            and {{ activity_source.source_name }}_count > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

business_users as (

    select distinct user_id
    from {{ ref('stg_app__accounts') }}
    where account_type = 'business'
        and {{ activity_metrics.utc_to_local_date('created_at') }} <= {{ as_of }}

),

user_base as (

    select
        classified_users.user_id,
        user_last_activity.first_activity_date,
        user_last_activity.last_activity_date
    from {{ ref('int_users_classified') }} as classified_users
    left join {{ ref('user_last_activity') }} as user_last_activity
        on classified_users.user_id = user_last_activity.user_id
    where not classified_users.is_excluded
        and classified_users.created_date <= {{ as_of }}
        and (
            classified_users.deleted_date is null
            or classified_users.deleted_date > {{ as_of }}
        )

),

segment_user_days as (

    select
        'all' as dimension,
        'all active users' as segment,
        user_id,
        activity_date
    from window_user_days
    {% for category in activity_metrics.activity_categories() %}
        union all
        select
            'category' as dimension,
            '{{ category }}' as segment,
            user_id,
            activity_date
        from window_user_days
        where {{ category }}_count > 0
    {% endfor %}
    union all
    select
        'source' as dimension,
        source_name as segment,
        user_id,
        activity_date
    from window_source_days
    union all
    select
        'account_type' as dimension,
        case
            when business_users.user_id is not null then 'business'
            else 'personal only'
        end as segment,
        window_user_days.user_id,
        window_user_days.activity_date
    from window_user_days
    left join business_users
        on window_user_days.user_id = business_users.user_id

),

segment_users as (

    select
        dimension,
        segment,
        user_id,
        {{ dbt.datediff('max(activity_date)', as_of, 'day') }}
            as days_since_active
    from segment_user_days
    group by
        dimension,
        segment,
        user_id

),

segment_counts as (

    select
        dimension,
        segment,
        sum(case when days_since_active = 0 then 1 else 0 end) as dau,
        sum(case when days_since_active < {{ wau_days }} then 1 else 0 end) as wau,
        count(*) as mau,
        cast(null as {{ dbt.type_bigint() }}) as user_count
    from segment_users
    group by
        dimension,
        segment

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

segments_unioned as (

    select * from segment_counts
    union all
    select * from lifecycle_counts
    union all
    select * from recency_counts

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
    from segments_unioned

)

select * from final
