{%- set activity_sources = activity_metrics.activity_sources() -%}
{%- set methods = activity_metrics.activity_methods() -%}

{#
    The published figures (combined: every source) beside the two methods
    the app used: the old one (the transactional tables only, what the union
    of 8+ tables counted) and the new one (the touch log only, what
    users.last_activity_at sees). Which source belongs to which method is
    said once, in activity_sources. Both methods are partitions of the one
    sweep (int_rolling_actives_daily: dimension `method`), as are the users
    whose every counted row of a day came from one source (`sole_source`),
    so the comparison is a pivot of a few rows per day, never a pass over
    raw rows; the full-history recount from the raw rows is the weekly
    validation's job (assert_user_day_fact_matches_events).
#}

with

published_series as (

    select * from {{ ref('fct_active_users_daily') }}

),

rolling_actives as (

    select * from {{ ref('int_rolling_actives_daily') }}
    where segment_dimension in ('method', 'sole_source')

),

method_counts_pivoted as (

    select
        date_day,
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                max(
                    case
                        when segment_dimension = 'method'
                            and segment_value = '{{ method }}' then {{ metric }}
                    end
                ) as {{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        {% for activity_source in activity_sources -%}
            max(
                case
                    when segment_dimension = 'sole_source'
                        and segment_value = '{{ activity_source.source_name }}'
                        then dau
                end
            ) as only_{{ activity_source.source_name }}_users
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from rolling_actives
    group by date_day

),

touch_log_start as (

    select * from {{ ref('int_touch_log_start') }}

),

method_counts as (

    -- a day on which no partition of these dimensions has a row counts 0
    select
        published_series.date_day,
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                coalesce(method_counts_pivoted.{{ method }}_{{ metric }}, 0)
                    as {{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        {% for activity_source in activity_sources -%}
            coalesce(
                method_counts_pivoted.only_{{ activity_source.source_name }}_users, 0
            ) as only_{{ activity_source.source_name }}_users
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from published_series
    left join method_counts_pivoted
        on published_series.date_day = method_counts_pivoted.date_day

),

final as (

    select
        published_series.date_day,
        published_series.dau as combined_dau,
        published_series.wau as combined_wau,
        published_series.mau as combined_mau,
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                cast(method_counts.{{ method }}_{{ metric }} as {{ dbt.type_bigint() }})
                    as {{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        {% for method in methods -%}
            {% for metric in ['dau', 'wau', 'mau'] -%}
                cast(
                    published_series.{{ metric }} - method_counts.{{ method }}_{{ metric }}
                    as {{ dbt.type_bigint() }}
                ) as combined_minus_{{ method }}_{{ metric }},
            {% endfor -%}
        {% endfor -%}
        coalesce(
            published_series.date_day >= touch_log_start.first_touch_date,
            false
        ) as is_touch_log_live,
        -- the published figures count every source, so they are never below a
        -- method alone; a day where they are is a defect of the sweep
        (
            {% for method in methods -%}
                {% for metric in ['dau', 'wau', 'mau'] -%}
                    published_series.{{ metric }} < method_counts.{{ method }}_{{ metric }}
                    {%- if not loop.last %} or {% endif %}
                {% endfor -%}
                {%- if not loop.last %} or {% endif %}
            {% endfor -%}
        ) as is_published_below_a_method,
        {% for activity_source in activity_sources -%}
            cast(
                method_counts.only_{{ activity_source.source_name }}_users
                as {{ dbt.type_bigint() }}
            ) as only_{{ activity_source.source_name }}_users,
        {% endfor -%}
        published_series.events_loaded_through,
        published_series.users_loaded_through,
        published_series.dbt_loaded_at
    from published_series
    inner join method_counts
        on published_series.date_day = method_counts.date_day
    cross join touch_log_start

)

select * from final
