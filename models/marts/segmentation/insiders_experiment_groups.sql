-- Each period's new Insiders, split at random into the programme (treatment) and a control
-- group held out of it (var insiders_control_share, 10 %): the draw is the MD5 of the customer
-- and the period, so it is the same in every build and needs no stored seed.
with

entered as (
    select
        customer_key,
        customer_number,
        business_line,
        period_end_date
    from {{ ref('insiders_membership_history') }}
    where event = 'entered'
),

draws as (
    select
        customer_key,
        customer_number,
        business_line,
        period_end_date,
        cast(
            cast(
                '0x' || left(md5(customer_key || ':' || cast(period_end_date as varchar)), 8)
                as bigint
            ) as double
        ) / 4294967296.0 as draw
    from entered
),

final as (
    select
        customer_key,
        customer_number,
        business_line,
        period_end_date,
        case
            when draw < {{ number_var('insiders_control_share') }} then 'control'
            else 'treatment'
        end as experiment_group,
        draw
    from draws
)

select * from final
