-- Every staged EDD payment item and Online Retail invoice line, with its customer and, when
-- it is not revenue, the one reason why (first matching rule wins).
{%- set internal_domains = var('internal_email_domains') %}

with

payments as (
    {{ keyed_records(
        'edd', 'payments',
        ['payment_id', 'email', 'ordered_at', 'payment_status', 'is_test_mode', 'currency'],
        keep_unmatched=true
    ) }}
),

payment_items as (
    select
        payment_item_id,
        payment_id,
        download_id,
        product_name,
        license_tier,
        quantity,
        item_amount
    from {{ ref('stg_edd__payment_items') }}
),

invoice_lines as (
    {{ keyed_records(
        'online_retail', 'invoice_lines',
        [
            'invoice_line_id', 'invoice_no', 'is_cancellation', 'stock_code', 'description',
            'quantity', 'unit_price', 'line_amount', 'invoiced_at'
        ],
        keep_unmatched=true
    ) }}
),

junk_emails as (
    select identifier_value
    from {{ ref('junk_identifiers') }}
    where identifier_type = 'email'
),

non_product_stock_codes as (
    select
        upper(stock_code) as stock_code,
        match_type
    from {{ ref('non_product_stock_codes') }}
),

payments_checked as (
    select
        payments.payment_id,
        payments.ordered_at,
        payments.payment_status,
        payments.currency,
        payments.customer_key,
        payments.customer_number,
        payments.payment_status in ('refunded', 'partially_refunded', 'revoked') as is_refund,
        case
            when payments.is_test_mode then 'test_transaction'
            when
                {% if internal_domains | length > 0 -%}
                    {{ email_domain('payments.email') }} in (
                        {%- for domain in internal_domains -%}
                            {{ sql_string(domain | lower) }}{{ ', ' if not loop.last }}
                        {%- endfor -%}
                    )
                {%- else -%}
                    false
                {%- endif %}
                or {{ junk_identifier_reason("'email'", 'payments.email') }} = 'test_domain'
                or junk_emails.identifier_value is not null
                then 'internal_transaction'
            when
                payments.payment_status
                not in ('complete', 'refunded', 'partially_refunded', 'revoked')
                then 'not_paid'
            when payments.customer_key is null then 'no_customer'
        end as exclusion_reason
    from payments
    left join junk_emails on payments.email = junk_emails.identifier_value
),

edd_lines as (
    select
        'edd' as source_name,
        payment_items.payment_item_id as record_id,
        'edd:' || payment_items.payment_item_id as order_line_id,
        'edd:' || payment_items.payment_id as order_id,
        payments_checked.customer_key,
        payments_checked.customer_number,
        payments_checked.ordered_at,
        payment_items.download_id as product_id,
        payment_items.product_name,
        payment_items.license_tier,
        payment_items.quantity,
        cast(payment_items.item_amount as decimal(18, 2)) as line_amount,
        payments_checked.is_refund,
        false as is_return,
        payments_checked.currency,
        payments_checked.exclusion_reason
    from payment_items
    inner join payments_checked on payment_items.payment_id = payments_checked.payment_id
),

-- each stock code the shop's lines use, once: whether it is a postage, fee or other
-- non-product code (exact, or by prefix). The seed's prefixes need a join on a condition, which
-- per stock code is a few thousand rows, per invoice line 19 M at 1 M customers.
retail_stock_codes as (
    select
        codes.stock_code,
        count(non_product_stock_codes.stock_code) > 0 as is_non_product
    from (
        select distinct upper(stock_code) as stock_code
        from {{ ref('stg_online_retail__invoice_lines') }}
        where stock_code is not null
    ) as codes
    left join non_product_stock_codes
        on
            (
                non_product_stock_codes.match_type = 'exact'
                and codes.stock_code = non_product_stock_codes.stock_code
            )
            or (
                non_product_stock_codes.match_type = 'prefix'
                and starts_with(codes.stock_code, non_product_stock_codes.stock_code)
            )
    group by codes.stock_code
),

retail_lines as (
    select
        'online_retail' as source_name,
        invoice_lines.invoice_line_id as record_id,
        'online_retail:' || invoice_lines.invoice_line_id as order_line_id,
        'online_retail:' || invoice_lines.invoice_no as order_id,
        invoice_lines.customer_key,
        invoice_lines.customer_number,
        invoice_lines.invoiced_at as ordered_at,
        invoice_lines.stock_code as product_id,
        invoice_lines.description as product_name,
        cast(null as integer) as license_tier,
        invoice_lines.quantity,
        cast(invoice_lines.line_amount as decimal(18, 2)) as line_amount,
        false as is_refund,
        invoice_lines.is_cancellation as is_return,
        'GBP' as currency,
        case
            when retail_stock_codes.is_non_product then 'non_product_stock_code'
            when
                invoice_lines.unit_price <= 0 and not invoice_lines.is_cancellation
                then 'non_positive_price'
            when invoice_lines.customer_key is null then 'no_customer'
        end as exclusion_reason
    from invoice_lines
    left join retail_stock_codes
        on upper(invoice_lines.stock_code) = retail_stock_codes.stock_code
),

unioned as (
    select
        source_name,
        record_id,
        order_line_id,
        order_id,
        customer_key,
        customer_number,
        ordered_at,
        product_id,
        product_name,
        license_tier,
        quantity,
        line_amount,
        is_refund,
        is_return,
        currency,
        exclusion_reason
    from edd_lines
    union all
    select
        source_name,
        record_id,
        order_line_id,
        order_id,
        customer_key,
        customer_number,
        ordered_at,
        product_id,
        product_name,
        license_tier,
        quantity,
        line_amount,
        is_refund,
        is_return,
        currency,
        exclusion_reason
    from retail_lines
),

final as (
    select * from unioned
)

select * from final
