"""One row per domain written in Unicode or punycode, with the one form identity keeps."""

from hvc.identity.idn import canonical_domains


def model(dbt, session):
    dbt.config(materialized="table")
    found = dbt.ref("int_identity__idn_domain_candidates").df()
    return canonical_domains(found["domain_written"])
