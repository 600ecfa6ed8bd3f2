"""hvc: find a company's most valuable customers, in a dbt + DuckDB warehouse."""

__version__ = "0.1.0"
