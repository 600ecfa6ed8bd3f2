-- Counts only, no raw value: what the build kept out and why, for BI and the report. One row
-- per area (quarantined raw rows, exact duplicates removed, identifiers kept out of identity,
-- merges identity refused), source or identifier type, table and reason.
with

quarantined as (
    select
        'quarantined_rows' as area,
        source_name,
        table_name as item_name,
        quarantine_reason as reason,
        count(*) as row_count
    from {{ ref('quarantined_rows') }}
    group by all
),

duplicates as (
    select
        'duplicate_rows' as area,
        source_name,
        table_name as item_name,
        'exact copy of another raw row' as reason,
        duplicates_removed as row_count
    from {{ ref('source_reconciliation') }}
    where duplicates_removed > 0
),

identity_held as (
    select
        'identifiers_kept_out' as area,
        'identity' as source_name,
        identifier_type as item_name,
        reason,
        sum(record_count) as row_count
    from {{ ref('identity_quarantine') }}
    group by all
),

links_refused as (
    select
        'links_refused' as area,
        'identity' as source_name,
        relationship as item_name,
        refused_reason as reason,
        sum(record_count) as row_count
    from {{ ref('identity_refused_links') }}
    group by all
),

unioned as (
    select * from quarantined
    union all
    select * from duplicates
    union all
    select * from identity_held
    union all
    select * from links_refused
),

final as (
    select
        cast(area as varchar) as area,
        cast(source_name as varchar) as source_name,
        cast(item_name as varchar) as item_name,
        cast(reason as varchar) as reason,
        cast(row_count as bigint) as row_count
    from unioned
)

select * from final
order by area, source_name, item_name, reason
