"""activity-metrics: exact DAU/WAU/MAU for a fintech app, built with dbt."""

__version__ = "0.1.0"
