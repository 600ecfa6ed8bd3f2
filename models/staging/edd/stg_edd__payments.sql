with

payments as (
    select
        payment_id,
        payment_mode,
        payment_status,
        transaction_id,
        purchase_key,
        gateway,
        currency,
        subtotal_amount,
        tax_amount,
        total_amount,
        discounts,
        customer_id,
        wordpress_user_id,
        email_raw,
        email,
        first_name,
        last_name,
        ordered_at
    from {{ ref('base_edd__payments') }}
    where row_status = 'staged'
),

discounted as (
    select
        *,
        -- discounts is {code: amount}; the codes and their sum
        coalesce(json_keys(discounts), []) as discount_codes,
        coalesce(
            list_sum(list_transform(
                json_keys(discounts),
                code -> try_cast(discounts ->> code as decimal(18, 2))
            )),
            0
        )::decimal(18, 2) as discount_amount
    from payments
),

final as (
    select
        payment_id,
        customer_id,
        wordpress_user_id,
        email_raw,
        email,
        first_name,
        last_name,
        ordered_at,
        payment_status,
        payment_mode,
        payment_mode = 'test' as is_test_mode,
        gateway,
        transaction_id,
        purchase_key,
        currency,
        subtotal_amount,
        discount_codes,
        discount_amount,
        tax_amount,
        total_amount
    from discounted
)

select * from final
