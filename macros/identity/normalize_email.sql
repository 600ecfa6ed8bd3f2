{#-
    An email address as one person's identifier: `+tag` removed, and for Gmail the dots of the
    local part removed and googlemail.com read as gmail.com. `address` is one address as
    email_addresses gives it (`local@domain`, lower case, composed), its domain in the form
    identity keeps (Unicode, as idn_domains maps it). Null when the local part is empty.
-#}
{% macro normalize_email(address) -%}
    {%- set local_part = "split_part(split_part(" ~ address ~ ", '@', 1), '+', 1)" -%}
    {%- set domain = "split_part(" ~ address ~ ", '@', 2)" -%}
    case
        when {{ local_part }} <> ''
            then
                case
                    when {{ domain }} in ('gmail.com', 'googlemail.com')
                        then replace({{ local_part }}, '.', '') || '@gmail.com'
                    else {{ local_part }} || '@' || {{ domain }}
                end
    end
{%- endmacro %}
