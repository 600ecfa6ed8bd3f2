{#-
    An email as one person's identifier: trimmed, lower case, `+tag` removed, and for Gmail the
    dots of the local part removed and googlemail.com read as gmail.com. An internationalised
    address keeps its Unicode letters (composed, NFC, as IDNA maps them) instead of being
    dropped. Null when the value is not shaped like local@domain.tld (e.g. `none`, `-1`,
    `jane at example.com`).
-#}
{% macro normalize_email(expression, is_lowered=false) -%}
    {%- set email = expression if is_lowered
    else "lower(nfc_normalize(trim(" ~ expression ~ ")))" -%}
    {%- set local_part = "split_part(split_part(" ~ email ~ ", '@', 1), '+', 1)" -%}
    {%- set domain = "split_part(" ~ email ~ ", '@', 2)" -%}
    case
        -- internationalised domains stay in their Unicode form, composed (NFC) and lower case
        when regexp_full_match(
            {{ email }}, '[^@\s]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.(\p{L}{2,}|xn--[a-z0-9-]+)'
        )
            and {{ local_part }} <> ''
            then
                case
                    when {{ domain }} in ('gmail.com', 'googlemail.com')
                        then replace({{ local_part }}, '.', '') || '@gmail.com'
                    else {{ local_part }} || '@' || {{ domain }}
                end
    end
{%- endmacro %}
