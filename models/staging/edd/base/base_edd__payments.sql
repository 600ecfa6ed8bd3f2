-- Every raw payment row read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('edd', 'payments') }}
),

typed as (
    select
        nullif(trim(id), '') as payment_id,
        lower(trim(mode)) as payment_mode,
        -- EDD before 3.0 calls a complete payment 'publish'
        case lower(trim(status)) when 'publish' then 'complete' else lower(trim(status)) end
            as payment_status,
        nullif(trim(transaction_id), '') as transaction_id,
        nullif(trim(key), '') as purchase_key,
        nullif(lower(trim(gateway)), '') as gateway,
        upper(trim(currency)) as currency,
        {{ dbt.safe_cast('subtotal', 'decimal(18, 2)') }} as subtotal_amount,
        {{ dbt.safe_cast('tax', 'decimal(18, 2)') }} as tax_amount,
        {{ dbt.safe_cast('total', 'decimal(18, 2)') }} as total_amount,
        nullif(trim(customer_id), '') as customer_id,
        nullif(nullif(trim(user_id), ''), '0') as wordpress_user_id,
        email as email_raw,
        nullif(lower(trim(email)), '') as email,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        coalesce(
            try_strptime(date_utc, '%Y-%m-%d %H:%M:%S'),
            {{ to_utc("try_strptime(date, '%Y-%m-%d %H:%M:%S')", var('edd_timezone')) }}
        ) as ordered_at,
        discounts,
        products,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        {{ number_copies() }} as _copy_number
    from source
),

items as (
    select
        *,
        -- the items parsed once, for both checks below
        case
            when json_type(products) = 'ARRAY'
                then from_json(products, '[{"price": "VARCHAR", "quantity": "VARCHAR"}]')
        end as parsed_items
    from typed
),

items_checked as (
    select
        * exclude (parsed_items),
        coalesce(
            len(parsed_items) > 0
            and len(list_filter(
                parsed_items,
                item -> try_cast(item.price as decimal(18, 2)) is null
                or coalesce(try_cast(item.quantity as integer), 0) <= 0
            )) = 0,
            false
        ) as has_valid_items,
        coalesce(
            len(list_filter(
                parsed_items,
                item -> abs(try_cast(item.price as double)) > {{ number_var('edd_max_amount') }}
            )) > 0,
            false
        ) as has_implausible_item
    from items
),

row_checked as (
    select
        *,
        case
            -- a line or file that could not be read, or a required column the file lacks
            when _read_problem is not null then _read_problem
            when payment_id is null then 'missing_id'
            when ordered_at is null then 'unparseable_timestamp'
            when total_amount is null then 'unparseable_number'
            when total_amount < 0 then 'impossible_amount'
            -- a payment or an item beyond var edd_max_amount is a typo or a test, not revenue
            when
                total_amount > {{ number_var('edd_max_amount') }}
                or subtotal_amount > {{ number_var('edd_max_amount') }}
                or has_implausible_item
                then 'implausible_amount'
            when not has_valid_items then 'malformed_items'
        end as row_problem
    from items_checked
),

id_ranked as (
    select
        *,
        -- two different rows with one payment id: the one from the latest file is kept
        {{ rank_within_id('payment_id') }} as _id_rank
    from row_checked
),

reasoned as (
    select
        *,
        coalesce(row_problem, case when _id_rank > 1 then 'duplicate_id' end)
            as quarantine_reason
    from id_ranked
),

final as (
    select
        *,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status
    from reasoned
)

{{ base_rows('final') }}
