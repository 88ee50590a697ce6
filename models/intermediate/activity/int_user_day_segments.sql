{#-
    Every active user-day with the values it carries in each segment
    dimension (docs/CONTRACT.md section 5), one row per user, day, dimension
    and value: the input of the one partitioned sweep (int_rolling_actives_daily).
    Adding a dimension is one more branch here; the sweep, the nightly and
    the breakdown mart pick it up. The values come from the user-day fact's
    counts (whose columns come from the seed's categories and the source list)
    and from the data (account types); a value that never occurs has no rows.
    - all: the total;
    - activity_category, source_table: the categories and the raw tables of
      the user's counted rows of the day (several per user-day);
    - account_type: business / personal / none, by the accounts the user
      holds at the end of the day (created on or before it, in the reporting
      zone; a null type counts as personal);
    - method, sole_source: for the method comparison (not published as
      breakdowns): the methods that saw the user-day, and the one source of a
      user-day whose every counted row came from that source.
-#}

{%- set activity_sources = activity_metrics.activity_sources() -%}

with

user_days as (

    select * from {{ ref('fct_user_days') }}

),

account_events as (

    -- every account row with a local creation day, counted or not (an account
    -- dated 1900 by a clock reset is rejected as activity, yet held)
    select
        user_id,
        activity_date,
        event_type as account_type
    from {{ ref('int_activity_events_classified') }}
    where source_name = 'accounts'
        and user_id is not null
        and activity_date is not null

),

user_accounts as (

    select
        user_id,
        min(activity_date) as first_account_date,
        min(case when account_type = 'business' then activity_date end)
            as first_business_account_date
    from account_events
    group by user_id

),

segments as (

    select
        user_id,
        activity_date,
        'all' as segment_dimension,
        'all' as segment_value
    from user_days

    {% for method in activity_metrics.activity_methods() %}
        union all
        select
            user_id,
            activity_date,
            'method' as segment_dimension,
            '{{ method }}' as segment_value
        from user_days
        where {{ method }}_count > 0
    {% endfor %}

    {% for category in activity_metrics.activity_categories() %}
        union all
        select
            user_id,
            activity_date,
            'activity_category' as segment_dimension,
            '{{ category }}' as segment_value
        from user_days
        where {{ category }}_count > 0
    {% endfor %}

    {% for activity_source in activity_sources %}
        union all
        select
            user_id,
            activity_date,
            'source_table' as segment_dimension,
            '{{ activity_source.source_name }}' as segment_value
        from user_days
        where {{ activity_source.source_name }}_count > 0
        union all
        select
            user_id,
            activity_date,
            'sole_source' as segment_dimension,
            '{{ activity_source.source_name }}' as segment_value
        from user_days
        where {{ activity_source.source_name }}_count = activity_count
    {% endfor %}

    union all
    select
        user_days.user_id,
        user_days.activity_date,
        'account_type' as segment_dimension,
        case
            when user_accounts.first_business_account_date <= user_days.activity_date
                then 'business'
            when user_accounts.first_account_date <= user_days.activity_date
                then 'personal'
            else 'none'
        end as segment_value
    from user_days
    left join user_accounts
        on user_days.user_id = user_accounts.user_id

),

final as (

    select
        user_id,
        activity_date,
        cast(segment_dimension as {{ dbt.type_string() }}) as segment_dimension,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value
    from segments

)

select * from final
