{%- set as_of_date = activity_metrics.as_of_date() -%}

{#
    DAU, WAU and MAU by segment dimension and value, every day of the series
    (docs/CONTRACT.md section 5): the published dimensions' partitions of
    the one sweep (int_rolling_actives_daily), on the series' days, with a
    row of zeros wherever a value that occurs has no user that day. A value
    occurs if some user-day up to the as-of date carries it.
#}

with

series_days as (

    select date_day from {{ ref('fct_active_users_daily') }}

),

segment_actives as (

    select * from {{ ref('int_rolling_actives_daily') }}
    where segment_dimension in ('all', 'activity_category', 'source_table', 'account_type')
        and date_day <= {{ activity_metrics.date_literal(as_of_date) }}

),

segment_values as (

    select
        segment_dimension,
        segment_value
    from segment_actives
    group by
        segment_dimension,
        segment_value
    having max(dau) > 0

),

final as (

    select
        segment_values.segment_dimension,
        segment_values.segment_value,
        series_days.date_day,
        cast(coalesce(segment_actives.dau, 0) as {{ dbt.type_bigint() }}) as dau,
        cast(coalesce(segment_actives.wau, 0) as {{ dbt.type_bigint() }}) as wau,
        cast(coalesce(segment_actives.mau, 0) as {{ dbt.type_bigint() }}) as mau,
        {{ activity_metrics.run_stamp() }} as dbt_loaded_at
    from series_days
    cross join segment_values
    left join segment_actives
        on series_days.date_day = segment_actives.date_day
            and segment_values.segment_dimension = segment_actives.segment_dimension
            and segment_values.segment_value = segment_actives.segment_value

)

select * from final
