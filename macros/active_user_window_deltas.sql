{% macro active_user_window_deltas(user_days, output_name, partition_column=none) %}
    {#- Emits two CTEs (for the caller's `with`): `<output_name>_with_exits`
        and `<output_name>`, one row per [partition,] day on which a rolling
        count changes, with users_entering (= DAU: user-days are distinct),
        wau_delta and mau_delta. The running sums of the deltas over the days
        are the exact WAU and MAU (the sweep described in the README).
        user_days: a CTE with distinct (user_id, activity_date[, partition]). -#}
    {%- set wau_days = activity_metrics.checked_var('activity__wau_days') -%}
    {%- set mau_days = activity_metrics.checked_var('activity__mau_days') -%}
    {%- set partition = partition_column ~ ',' if partition_column else '' -%}
{{ output_name }}_with_exits as (

    select
        {{ partition }}
        activity_date,
        {{ activity_metrics.window_exit_date(
            'activity_date', 'next_activity_date', wau_days) }}
            as wau_exit_date,
        {{ activity_metrics.window_exit_date(
            'activity_date', 'next_activity_date', mau_days) }}
            as mau_exit_date
    from (
        select
            {{ partition }}
            activity_date,
            lead(activity_date) over (
                partition by {{ partition }} user_id order by activity_date
            ) as next_activity_date
        from {{ user_days }}
    ) as user_days_with_next

),

{{ output_name }} as (

    select
        {{ partition }}
        date_day,
        sum(entering) as users_entering,
        sum(entering - leaving_wau) as wau_delta,
        sum(entering - leaving_mau) as mau_delta
    from (
        select
            {{ partition }}
            activity_date as date_day,
            1 as entering,
            0 as leaving_wau,
            0 as leaving_mau
        from {{ output_name }}_with_exits
        union all
        select
            {{ partition }}
            wau_exit_date as date_day,
            0 as entering,
            1 as leaving_wau,
            0 as leaving_mau
        from {{ output_name }}_with_exits
        union all
        select
            {{ partition }}
            mau_exit_date as date_day,
            0 as entering,
            0 as leaving_wau,
            1 as leaving_mau
        from {{ output_name }}_with_exits
    ) as window_changes
    group by
        {{ partition }}
        date_day

)
{%- endmacro %}
