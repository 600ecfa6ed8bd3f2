with

companies as (
    select
        company_id,
        company_name,
        domain_raw,
        domain,
        website_url,
        industry,
        employee_count,
        employee_range,
        territory,
        country,
        time_zone,
        created_at,
        updated_at
    from {{ ref('base_hubspot__companies') }}
    where row_status = 'staged'
),

final as (
    select * from companies
)

select * from final
