{#- A customer's number for people: 10 characters of Crockford's base 32 (no I, L, O or U),
    split 5-5, e.g. `WM7BE-PCBB0`, from 50 bits of the MD5 of `customer_key`. It is as stable as
    the key and carries nothing of the customer's identifiers; the chance that two of a million
    customers share one is about 1 in 2,000 (`customers` tests that none do). -#}
{% macro customer_number(customer_key) -%}
    {%- set alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ' -%}
    {%- set bits = "(cast('0x' || left(md5(cast(" ~ customer_key ~ " as varchar)), 13) as bigint) >> 2)" -%}
    concat(
        {%- for position in range(10) %}
        substr('{{ alphabet }}', cast((({{ bits }} >> {{ 5 * (9 - position) }}) & 31) as integer) + 1, 1),
        {%- if position == 4 %}
        '-',
        {%- endif %}
        {%- endfor %}
        ''
    )
{%- endmacro %}
