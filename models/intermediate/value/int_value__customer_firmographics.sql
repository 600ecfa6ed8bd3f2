-- One row per customer with any firmographic signal: industry, size, territory, country, zone.
with

assignments as (
    {{ keyed_records(
        'mturk', 'batch_results', ['assignment_id', 'assignment_status', 'category']
    ) }}
),

companies as (
    {{ keyed_records(
        'hubspot', 'companies',
        [
            'company_id', 'industry', 'employee_range', 'territory', 'country', 'time_zone',
            'updated_at'
        ]
    ) }}
),

drip_subscribers as (
    {{ keyed_records(
        'drip', 'subscribers',
        ['subscriber_id', 'utc_offset_minutes', 'time_zone', 'created_at']
    ) }}
),

intercom_contacts as (
    {{ keyed_records(
        'intercom', 'contacts',
        ['contact_id', 'country', 'utc_offset_hours', 'last_seen_at', 'updated_at']
    ) }}
),

us_time_zone_regions as (
    select
        time_zone,
        region
    from {{ ref('us_time_zone_regions') }}
),

retail_lines as (
    {{ keyed_records(
        'online_retail', 'invoice_lines', ['invoice_line_id', 'country', 'invoiced_at']
    ) }}
),

votes as (
    select
        assignments.customer_number,
        any_value(assignments.customer_key) as customer_key,
        assignments.category,
        count(*) as vote_count
    from assignments
    -- rejected work is not an answer
    where
        assignments.assignment_status in ('approved', 'submitted')
        and assignments.category is not null
    group by assignments.customer_number, assignments.category
),

ranked_votes as (
    select
        customer_number,
        customer_key,
        category,
        vote_count,
        sum(vote_count) over (partition by customer_number) as total_vote_count,
        -- most votes wins; a tie goes to the alphabetically first answer
        row_number() over (
            partition by customer_number
            order by vote_count desc, category asc
        ) as vote_rank
    from votes
),

crowd_industries as (
    select
        customer_number,
        customer_key,
        category as industry,
        vote_count,
        total_vote_count,
        vote_count / total_vote_count as industry_agreement_rate
    from ranked_votes
    where vote_rank = 1
),

crm_companies as (
    select
        companies.customer_number,
        any_value(companies.customer_key) as customer_key,
        -- a customer with several CRM companies: the most recently modified one
        arg_max(
            companies.industry, (companies.updated_at, companies.company_id)
        ) as industry,
        arg_max(
            companies.employee_range, (companies.updated_at, companies.company_id)
        ) as employee_range,
        arg_max(
            companies.territory, (companies.updated_at, companies.company_id)
        ) as territory,
        arg_max(
            companies.country, (companies.updated_at, companies.company_id)
        ) as country,
        arg_max(
            companies.time_zone, (companies.updated_at, companies.company_id)
        ) filter (where companies.time_zone is not null) as time_zone
    from companies
    group by companies.customer_number
),

drip_offsets as (
    select
        drip_subscribers.customer_number,
        any_value(drip_subscribers.customer_key) as customer_key,
        arg_max(
            drip_subscribers.utc_offset_minutes / 60.0,
            (drip_subscribers.created_at, drip_subscribers.subscriber_id)
        ) as utc_offset_hours,
        arg_max(
            drip_subscribers.time_zone,
            (drip_subscribers.created_at, drip_subscribers.subscriber_id)
        ) as time_zone
    from drip_subscribers
    where drip_subscribers.utc_offset_minutes is not null
    group by drip_subscribers.customer_number
),

intercom_locations as (
    select
        intercom_contacts.customer_number,
        any_value(intercom_contacts.customer_key) as customer_key,
        arg_max(
            intercom_contacts.utc_offset_hours,
            (
                coalesce(intercom_contacts.last_seen_at, intercom_contacts.updated_at),
                intercom_contacts.contact_id
            )
        ) filter (where intercom_contacts.utc_offset_hours is not null) as utc_offset_hours,
        arg_max(
            coalesce(intercom_contacts.last_seen_at, intercom_contacts.updated_at),
            (
                coalesce(intercom_contacts.last_seen_at, intercom_contacts.updated_at),
                intercom_contacts.contact_id
            )
        ) filter (where intercom_contacts.utc_offset_hours is not null) as offset_seen_at,
        arg_max(
            intercom_contacts.country,
            (
                coalesce(intercom_contacts.last_seen_at, intercom_contacts.updated_at),
                intercom_contacts.contact_id
            )
        ) filter (where intercom_contacts.country is not null) as country
    from intercom_contacts
    group by intercom_contacts.customer_number
),

retail_countries as (
    select
        retail_lines.customer_number,
        any_value(retail_lines.customer_key) as customer_key,
        arg_max(
            retail_lines.country, (retail_lines.invoiced_at, retail_lines.invoice_line_id)
        ) as country
    from retail_lines
    where retail_lines.country is not null
    group by retail_lines.customer_number
),

-- grouped and joined on the customer's number (an integer), the key carried along
customer_numbers as (
    select
        customer_number,
        any_value(customer_key) as customer_key
    from (
        select
            customer_number,
            customer_key
        from crowd_industries
        union all
        select
            customer_number,
            customer_key
        from crm_companies
        union all
        select
            customer_number,
            customer_key
        from drip_offsets
        union all
        select
            customer_number,
            customer_key
        from intercom_locations
        union all
        select
            customer_number,
            customer_key
        from retail_countries
    ) as with_signal
    group by customer_number
),

combined as (
    select
        customer_numbers.customer_key,
        coalesce(crowd_industries.industry, crm_companies.industry) as industry,
        case
            when crowd_industries.industry is not null then 'mturk'
            when crm_companies.industry is not null then 'hubspot'
        end as industry_source,
        crowd_industries.industry_agreement_rate,
        crowd_industries.total_vote_count as industry_vote_count,
        crm_companies.employee_range,
        crm_companies.territory,
        coalesce(
            crm_companies.country, intercom_locations.country, retail_countries.country
        ) as country,
        -- Drip's offset is the subscriber's time zone; Intercom's is the browser's last visit
        coalesce(drip_offsets.utc_offset_hours, intercom_locations.utc_offset_hours)
            as utc_offset_hours,
        -- a named zone, where a tool records one: offsets move with daylight saving
        coalesce(drip_offsets.time_zone, crm_companies.time_zone) as time_zone,
        -- the zone's standard offset: Drip's is one; a browser's summer offset in the US
        -- (Eastern to Alaska; Hawaii keeps no summer time) is one hour ahead of it
        coalesce(
            drip_offsets.utc_offset_hours,
            case
                when
                    intercom_locations.utc_offset_hours between -8 and -4
                    and {{ us_daylight_saving('intercom_locations.offset_seen_at') }}
                    then intercom_locations.utc_offset_hours - 1
                else intercom_locations.utc_offset_hours
            end
        ) as standard_offset_hours
    from customer_numbers
    left join crowd_industries
        on customer_numbers.customer_number = crowd_industries.customer_number
    left join crm_companies on customer_numbers.customer_number = crm_companies.customer_number
    left join drip_offsets on customer_numbers.customer_number = drip_offsets.customer_number
    left join intercom_locations
        on customer_numbers.customer_number = intercom_locations.customer_number
    left join retail_countries
        on customer_numbers.customer_number = retail_countries.customer_number
),

final as (
    select
        combined.customer_key,
        combined.industry,
        combined.industry_source,
        combined.industry_agreement_rate,
        combined.industry_vote_count,
        combined.employee_range,
        combined.territory,
        combined.country,
        combined.utc_offset_hours,
        -- the United States by named time zone, else by standard offset; others by name
        case
            when coalesce(combined.country, '') != 'United States' then combined.country
            when us_time_zone_regions.region is not null then us_time_zone_regions.region
            when combined.standard_offset_hours = -5 then 'US Eastern'
            when combined.standard_offset_hours = -6 then 'US Central'
            when combined.standard_offset_hours = -7 then 'US Mountain'
            when combined.standard_offset_hours = -8 then 'US Pacific'
            when combined.standard_offset_hours = -9 then 'US Alaska'
            when combined.standard_offset_hours = -10 then 'US Hawaii'
            else combined.country
        end as region
    from combined
    left join us_time_zone_regions on combined.time_zone = us_time_zone_regions.time_zone
)

select * from final
