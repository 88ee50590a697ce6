"""Every invariant test fails on a warehouse broken on purpose (each break targets one)."""

from __future__ import annotations

import datetime as dt

from conftest import run_results, small_dataset

END = dt.date(2024, 6, 30)

# test name prefix -> the statement that breaks it
BREAKS = {
    "expression_is_true_fct_active_users_daily_dau_wau_and_wau_mau": (
        "update {s}.fct_active_users_daily set wau = dau - 1 "
        "where date_day = (select max(date_day) - 3 from {s}.fct_active_users_daily)"
    ),
    "no_date_gaps_fct_active_users_daily_date_day": (
        "delete from {s}.fct_active_users_daily "
        "where date_day = (select min(date_day) + 5 from {s}.fct_active_users_daily)"
    ),
    "assert_snapshot_equals_series": "update {s}.activity_metrics_current set mau = mau + 1",
    "assert_series_agrees_with_last_activity": (
        "update {s}.user_last_activity set last_activity_date = null "
        "where user_id = (select min(user_id) from {s}.user_last_activity "
        f"where last_activity_date = date '{END.isoformat()}')"
    ),
    "unique_combination_of_columns_fct_user_days_user_id__activity_date": (
        "insert into {s}.fct_user_days select * from {s}.fct_user_days limit 1"
    ),
    # the nightly guards: only what the latest run wrote, duplicates with older rows included
    "user_days_written_tonight_unique": (
        "insert into {s}.fct_user_days select * from {s}.fct_user_days "
        "where user_id = (select max(user_id) from {s}.fct_user_days)"
    ),
    # (a row no other break touches: `limit 1` could pick the conversions row deleted below)
    "events_keys_written_tonight_unique": (
        "insert into {s}.int_activity_events_classified "
        "select * from {s}.int_activity_events_classified "
        "where source_name = 'activity_touches' and source_row_id = (select max(source_row_id) "
        "from {s}.int_activity_events_classified where source_name = 'activity_touches')"
    ),
    "expression_is_true_fct_user_days_activity_count": (
        "update {s}.fct_user_days set activity_count = 0 "
        "where user_id = (select min(user_id) from {s}.fct_user_days)"
    ),
    # the weekly check that sees what a high-water mark cannot: raw rows never read
    "assert_activity_events_match_raw_tables": (
        "delete from {s}.int_activity_events_classified where source_name = 'conversions' "
        "and source_row_id = (select min(source_row_id) from {s}.int_activity_events_classified "
        "where source_name = 'conversions')"
    ),
    "assert_growth_identities": (
        "update {s}.fct_growth_accounting set churned_users = churned_users + 1 "
        "where period_type = 'week' and period_start = "
        "(select max(period_start) from {s}.fct_growth_accounting where period_type = 'week')"
    ),
    "assert_nothing_lost": (
        "update {s}.mon_raw_rows_by_status set row_count = row_count - 1 "
        "where source_name = 'send_transactions' and row_status = 'counted'"
    ),
    "assert_user_day_fact_matches_events": (
        "delete from {s}.fct_user_days where activity_date = "
        "(select max(activity_date) - 1 from {s}.fct_user_days)"
    ),
    "combined_at_least_each_method": (
        "update {s}.mon_method_comparison_daily set touch_log_wau = combined_wau + 1 "
        "where date_day = (select max(date_day) from {s}.mon_method_comparison_daily)"
    ),
    "assert_breakdown_identities": (
        "update {s}.fct_active_users_by_segment_daily set dau = dau + 1 "
        "where segment_dimension = 'account_type' and date_day = "
        "(select max(date_day) from {s}.fct_active_users_by_segment_daily)"
    ),
    "assert_revisions_ledger_is_consistent": (
        "update {s}.fct_active_users_daily_revisions set dau = dau + 1 "
        "where date_day = (select max(date_day) from {s}.fct_active_users_daily_revisions)"
    ),
    "assert_engagement_identities": (
        "update {s}.fct_stickiness set users = users + 1 "
        "where period_type = 'month' and active_days = 1 and period_start = "
        "(select min(period_start) from {s}.fct_stickiness)"
    ),
    # one test holds the grain of every table the nightly rebuilds (a duplicated key)
    "assert_grains_unique": (
        "insert into {s}.fct_active_users_changes "
        "select * from {s}.fct_active_users_changes limit 1"
    ),
    "assert_total_users_matches_users": (
        "update {s}.fct_active_users_daily set total_users = total_users + 1 "
        "where date_day = (select min(date_day) from {s}.fct_active_users_daily)"
    ),
}


def test_each_invariant_fails_when_broken(make_warehouse):
    warehouse = make_warehouse("duckdb", "broken")
    warehouse.load(small_dataset(3, 200, 60, END, 0.05))
    warehouse.build(END)
    # warnings (coverage, unclassified event types) are allowed on dirty data
    assert all(r["status"] in ("pass", "success", "warn", "no-op") for r in run_results())
    for statement in BREAKS.values():
        warehouse.execute(statement.format(s=warehouse.schema))
    warehouse.dbt(
        ["test", "--selector", "validation"],
        {"activity__as_of_date": END.isoformat()},
        expect_success=False,
    )
    status = {r["unique_id"].split(".")[2]: r["status"] for r in run_results()}
    for prefix in BREAKS:
        matches = [s for name, s in status.items() if name.startswith(prefix)]
        assert matches, f"no test named {prefix}*"
        assert "fail" in matches, f"{prefix} did not fail: {matches}"
    # and the tests nobody broke still pass: the failures are not noise
    assert status["unique_user_last_activity_user_id"] == "pass"
