"""Helpers shared by the test modules (not tests themselves): simulated data, dbt builds."""
