-- Every raw invoice line read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('online_retail', 'invoice_lines') }}
),

typed as (
    select
        -- invoice lines carry no id of their own: the raw record's hash stands in
        {{ dbt.hash('_raw_record') }} as invoice_line_id,
        nullif(trim(invoiceno), '') as invoice_no,
        coalesce(upper(trim(invoiceno)) like 'C%', false) as is_cancellation,
        nullif(trim(stockcode), '') as stock_code,
        nullif(trim(description), '') as description,
        {{ dbt.safe_cast('trim(quantity)', 'integer') }} as quantity,
        {{ dbt.safe_cast('trim(unitprice)', 'decimal(18, 3)') }} as unit_price,
        -- wall-clock UK time: `M/D/YYYY H:MM` in the CSV, `YYYY-MM-DD HH:MM:SS` from Parquet
        {{ to_utc(
            "try_strptime(trim(invoicedate), ['%m/%d/%Y %H:%M', '%Y-%m-%d %H:%M:%S'])",
            var('online_retail_timezone')
        ) }} as invoiced_at,
        -- Parquet stores the customer id as a double: `17850.0` is customer 17850
        nullif(regexp_replace(trim(customerid), '\.0+$', ''), '') as customer_id,
        nullif(trim(country), '') as country,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        {{ number_copies() }} as _copy_number
    from source
),

amounts as (
    select
        *,
        -- beyond var online_retail_max_line_amount a line is a typo, not a sale (and its
        -- amount may not fit the warehouse's money type)
        abs(cast(quantity as double) * cast(unit_price as double))
        > {{ number_var('online_retail_max_line_amount') }} as is_implausible,
        case
            when
                abs(cast(quantity as double) * cast(unit_price as double))
                <= {{ number_var('online_retail_max_line_amount') }}
                then quantity * unit_price
        end as line_amount
    from typed
),

row_checked as (
    select
        *,
        case
            -- a line or file that could not be read, or a required column the file lacks
            when _read_problem is not null then _read_problem
            when invoice_no is null then 'missing_id'
            when invoiced_at is null then 'unparseable_timestamp'
            when quantity is null or unit_price is null then 'unparseable_number'
            -- a negative quantity is a return; a negative price is a bookkeeping adjustment
            when unit_price < 0 then 'impossible_amount'
            when is_implausible then 'implausible_amount'
        end as row_problem
    from amounts
),

reasoned as (
    select
        *,
        -- the id is the raw record itself: exact copies are the only duplicates
        row_problem as quarantine_reason
    from row_checked
),

final as (
    select
        *,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status
    from reasoned
)

{{ base_rows('final') }}
