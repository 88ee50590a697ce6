{%- set as_of_date = activity_metrics.as_of_date() -%}
{%- set activity_sources = activity_metrics.activity_sources() -%}
{%- set methods = activity_metrics.activity_methods() -%}
{%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
{%- set rebuild_start = activity_metrics.series_rebuild_start() -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ activity_metrics.delete_date_range('date_day', {
            'start': activity_metrics.series_rebuild_start(),
            'end': none, 'end_inclusive': false}) }}",
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('int_activity_events_classified') }}
-- depends_on: {{ ref('int_users_tracked') }}

{#
    The published figures (combined: every source) beside the two methods
    the app used: the old one (the transactional tables only, what the union
    of 8+ tables counted) and the new one (the touch log only, what
    users.last_activity_at sees). Which source belongs to which method is
    said once, in activity_sources. Both methods are swept from the per-method
    counts of the user-day fact (one sweep partitioned by method), so the
    comparison costs a pass over user-days, never over raw rows; the
    full-history recount from the raw rows is the weekly validation's job
    (assert_user_day_fact_matches_events). Incremental like the series: a
    nightly run recomputes the days from the same rebuild start
    (series_rebuild_start), seeded with each method's stored counts of the day
    before.
-#}

with

user_days as (

    select
        user_id,
        activity_date,
        activity_count,
        {% for method in methods -%}
            {{ method }}_count,
        {% endfor -%}
        {% for activity_source in activity_sources -%}
            {{ activity_source.source_name }}_count
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('fct_user_days') }}
    where activity_date <= {{ activity_metrics.date_literal(as_of_date) }}
    {%- if rebuild_start is not none %}
        and activity_date >= {{ activity_metrics.add_days(
            activity_metrics.date_literal(rebuild_start), -mau_days) }}
    {%- endif %}

),

published_series as (

    select
        date_day,
        dau,
        wau,
        mau
    from {{ ref('fct_active_users_daily') }}
    {%- if rebuild_start is not none %}
    where date_day >= {{ activity_metrics.date_literal(rebuild_start) }}
    {%- endif %}

),

previous_counts as (

    -- each method's stored counts of the day before the first recomputed day
    {% for method in methods -%}
        select
            '{{ method }}' as method_name,
            {% if rebuild_start is not none -%}
                {{ method }}_wau as wau,
                {{ method }}_mau as mau
            from {{ this }}
            where date_day = {{ activity_metrics.add_days(
                activity_metrics.date_literal(rebuild_start), -1) }}
            {%- else -%}
                0 as wau,
                0 as mau
            {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

user_days_by_method as (

    {% for method in methods -%}
        select
            '{{ method }}' as method_name,
            user_id,
            activity_date
        from user_days
        where {{ method }}_count > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{{ activity_metrics.active_user_window_deltas(
    'user_days_by_method', 'method_deltas', 'method_name') }},

method_names as (

    {% for method in methods -%}
        select '{{ method }}' as method_name
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

method_days as (

    select
        published_series.date_day,
        method_names.method_name
    from published_series
    cross join method_names

),

method_running_counts as (

    select
        method_days.date_day,
        method_days.method_name,
        coalesce(method_deltas.users_entering, 0) as dau,
        sum(coalesce(method_deltas.wau_delta, 0)) over (
            partition by method_days.method_name
            order by method_days.date_day
            rows between unbounded preceding and current row
        ) as wau,
        sum(coalesce(method_deltas.mau_delta, 0)) over (
            partition by method_days.method_name
            order by method_days.date_day
            rows between unbounded preceding and current row
        ) as mau
    from method_days
    left join method_deltas
        on method_days.date_day = method_deltas.date_day
            and method_days.method_name = method_deltas.method_name

),

method_counts as (

    select
        method_running_counts.date_day,
        method_running_counts.method_name,
        method_running_counts.dau,
        method_running_counts.wau + coalesce(previous_counts.wau, 0) as wau,
        method_running_counts.mau + coalesce(previous_counts.mau, 0) as mau
    from method_running_counts
    left join previous_counts
        on method_running_counts.method_name = previous_counts.method_name

),

method_counts_pivoted as (

    select
        date_day,
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                max(case when method_name = '{{ method }}' then {{ metric }} end)
                    as {{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        count(*) as method_count
    from method_counts
    group by date_day

),

single_source_users_per_day as (

    -- users whose every counted row of the day came from one source
    select
        activity_date as date_day,
        {% for activity_source in activity_sources -%}
            sum(
                case
                    when {{ activity_source.source_name }}_count = activity_count
                        then 1
                    else 0
                end
            ) as only_{{ activity_source.source_name }}_users
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from user_days
    group by activity_date

),

touch_log_start as (

    select min(activity_date) as first_touch_date
    from {{ ref('fct_user_days') }}
    where touch_log_count > 0

),

final as (

    select
        published_series.date_day,
        published_series.dau as combined_dau,
        published_series.wau as combined_wau,
        published_series.mau as combined_mau,
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                cast(
                    method_counts_pivoted.{{ method }}_{{ metric }}
                    as {{ dbt.type_bigint() }}
                ) as {{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                cast(
                    published_series.{{ metric }}
                    - method_counts_pivoted.{{ method }}_{{ metric }}
                    as {{ dbt.type_bigint() }}
                ) as combined_minus_{{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        coalesce(
            published_series.date_day >= touch_log_start.first_touch_date,
            false
        ) as is_touch_log_live,
        -- the published figures count every source, so they are never below a
        -- method alone; a day where they are was not rebuilt after late rows
        coalesce(
            {% for method in methods -%}
                {% for metric in ['dau', 'wau', 'mau'] -%}
                    published_series.{{ metric }}
                    < method_counts_pivoted.{{ method }}_{{ metric }}
                    {%- if not loop.last %} or {% endif %}
                {% endfor -%}
                {%- if not loop.last %} or {% endif %}
            {% endfor -%}, false
        ) as is_published_below_a_method,
        {% for activity_source in activity_sources -%}
            cast(
                coalesce(
                    single_source_users_per_day.only_{{
                        activity_source.source_name }}_users,
                    0
                ) as {{ dbt.type_bigint() }}
            ) as only_{{ activity_source.source_name }}_users,
        {% endfor -%}
        {{ activity_metrics.applied_change_stamps() }}
    from published_series
    inner join method_counts_pivoted
        on published_series.date_day = method_counts_pivoted.date_day
    cross join touch_log_start
    left join single_source_users_per_day
        on published_series.date_day = single_source_users_per_day.date_day

)

select * from final
