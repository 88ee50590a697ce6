"""activity-metrics: exact DAU/WAU/MAU for a fintech app, built with dbt."""

from .api import (
    get_active_users,
    get_activity_metrics,
    get_anomalies,
    get_engagement,
    get_growth_accounting,
    get_growth_revisions,
    get_retention_cohorts,
    get_revisions,
    get_series,
    touch_last_activity,
)

__all__ = [
    "get_active_users",
    "get_activity_metrics",
    "get_anomalies",
    "get_engagement",
    "get_growth_accounting",
    "get_growth_revisions",
    "get_retention_cohorts",
    "get_revisions",
    "get_series",
    "touch_last_activity",
]
__version__ = "0.1.0"
