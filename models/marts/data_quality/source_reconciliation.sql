with

edd__payments as (
    {{ reconcile_raw_table(
        'edd',
        'payments',
        'base_edd__payments',
        'stg_edd__payments',
        'stg_edd__quarantine'
    ) }}
),

helpscout__conversations as (
    {{ reconcile_raw_table(
        'helpscout',
        'conversations',
        'base_helpscout__conversations',
        'stg_helpscout__conversations',
        'stg_helpscout__quarantine'
    ) }}
),

intercom__conversations as (
    {{ reconcile_raw_table(
        'intercom',
        'conversations',
        'base_intercom__conversations',
        'stg_intercom__conversations',
        'stg_intercom__quarantine'
    ) }}
),

intercom__contacts as (
    {{ reconcile_raw_table(
        'intercom',
        'contacts',
        'base_intercom__contacts',
        'stg_intercom__contacts',
        'stg_intercom__quarantine'
    ) }}
),

drip__subscribers as (
    {{ reconcile_raw_table(
        'drip',
        'subscribers',
        'base_drip__subscribers',
        'stg_drip__subscribers',
        'stg_drip__quarantine'
    ) }}
),

drip__events as (
    {{ reconcile_raw_table(
        'drip',
        'events',
        'base_drip__events',
        'stg_drip__events',
        'stg_drip__quarantine'
    ) }}
),

hubspot__contacts as (
    {{ reconcile_raw_table(
        'hubspot',
        'contacts',
        'base_hubspot__contacts',
        'stg_hubspot__contacts',
        'stg_hubspot__quarantine'
    ) }}
),

hubspot__companies as (
    {{ reconcile_raw_table(
        'hubspot',
        'companies',
        'base_hubspot__companies',
        'stg_hubspot__companies',
        'stg_hubspot__quarantine'
    ) }}
),

hubspot__social_impressions as (
    {{ reconcile_raw_table(
        'hubspot',
        'social_impressions',
        'base_hubspot__social_impressions',
        'stg_hubspot__social_impressions',
        'stg_hubspot__quarantine'
    ) }}
),

google_analytics__events as (
    {{ reconcile_raw_table(
        'google_analytics',
        'events',
        'base_google_analytics__events',
        'stg_google_analytics__events',
        'stg_google_analytics__quarantine'
    ) }}
),

mturk__batch_results as (
    {{ reconcile_raw_table(
        'mturk',
        'batch_results',
        'base_mturk__batch_results',
        'stg_mturk__assignments',
        'stg_mturk__quarantine'
    ) }}
),

online_retail__invoice_lines as (
    {{ reconcile_raw_table(
        'online_retail',
        'invoice_lines',
        'base_online_retail__invoice_lines',
        'stg_online_retail__invoice_lines',
        'stg_online_retail__quarantine'
    ) }}
),

unioned as (
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from edd__payments
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from helpscout__conversations
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from intercom__conversations
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from intercom__contacts
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from drip__subscribers
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from drip__events
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from hubspot__contacts
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from hubspot__companies
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from hubspot__social_impressions
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from google_analytics__events
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from mturk__batch_results
    union all
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed
    from online_retail__invoice_lines
),

final as (
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed,
        rows_in - rows_staged - rows_quarantined - duplicates_removed as rows_unaccounted
    from unioned
)

select * from final
