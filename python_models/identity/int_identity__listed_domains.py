"""One row per domain of the maintained free-mail and disposable-email lists, with its kind."""

from hvc.identity.domain_lists import listed_domains


def model(dbt, session):
    dbt.config(materialized="table")
    return listed_domains()
