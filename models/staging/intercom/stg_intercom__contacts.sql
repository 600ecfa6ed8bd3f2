with

contacts as (
    select
        contact_id,
        external_id,
        contact_role,
        email_raw,
        email,
        contact_name,
        created_at,
        updated_at,
        last_seen_at,
        country,
        region,
        city,
        utc_offset_hours
    from {{ ref('base_intercom__contacts') }}
    where row_status = 'staged'
),

final as (
    select * from contacts
)

select * from final
