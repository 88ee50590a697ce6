{% macro series_rebuild_start(user_days_relation) %}
    {#- The first day of fct_active_users_daily that this run recomputes
        (YYYY-MM-DD string), or none to rebuild it all. Only days on or
        after the earliest user-day rewritten by the latest run of the
        user-day fact can change, plus the days the series does not have yet;
        every earlier day keeps its value, and the last of them seeds the
        running sums. -#}
    {%- set as_of = activity_metrics.as_of_date() -%}
    {%- if not is_incremental() or not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query -%}
        select
            (select max(date_day) from {{ this }}) as newest_day,
            (
                select min(activity_date)
                from {{ user_days_relation }}
                where dbt_loaded_at = (
                    select max(dbt_loaded_at) from {{ user_days_relation }}
                )
            ) as earliest_rewritten_day
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row[0] is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set candidates = [
        ((modules.datetime.date.fromisoformat((row[0] | string)[:10])
            + modules.datetime.timedelta(days=1)).isoformat()),
        (modules.datetime.date.fromisoformat(as_of)
            + modules.datetime.timedelta(days=1)).isoformat(),
    ] -%}
    {%- if row[1] is not none -%}
        {%- do candidates.append((row[1] | string)[:10]) -%}
    {%- endif -%}
    {{- return(candidates | min) -}}
{% endmacro %}
