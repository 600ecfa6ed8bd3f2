-- A refused link joins two customers that both hold an identifier of a type its evidence
-- limits (var identity_link_limits); one with no such type would have been a merge.
select
    from_node,
    to_node,
    evidence,
    refused_reason
from {{ ref('identity_refused_links') }}
where refused_reason = 'both_hold_unknown'
