"""Serving the marts to BI and SQL users: the build file's lock, what is served (from dbt's
manifest), and the stores it is published to (a DuckDB file renamed into place, a Postgres
schema swapped in one transaction)."""
