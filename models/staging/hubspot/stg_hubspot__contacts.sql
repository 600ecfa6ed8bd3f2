with

contacts as (
    select
        contact_id,
        first_name,
        last_name,
        email_raw,
        email,
        company_name,
        website_url,
        lifecycle_stage,
        created_at,
        updated_at,
        associated_company_ids,
        company_id
    from {{ ref('base_hubspot__contacts') }}
    where row_status = 'staged'
),

final as (
    select * from contacts
)

select * from final
