{#- The values an identifier of `identifier_type` holds, as written (before idn_domains gives
    a domain its one form), as a list: an email field's addresses (email_addresses), a
    website's host (url_domain), a tool id trimmed. `[null]` for a value that is not valid.
    `identifier_lowered` is the raw value lower case and composed (NFC), computed once by the
    caller. -#}
{% macro identifier_values(identifier_type, identifier_raw, identifier_lowered) -%}
    case {{ identifier_type }}
        when 'email' then {{ email_addresses(identifier_lowered, is_lowered=true) }}
        when 'domain' then [{{ url_domain(identifier_lowered, is_lowered=true) }}]
        else [trim({{ identifier_raw }})]
    end
{%- endmacro %}


{#- The one value of an identifier whose field holds at most one (a tool id, a website, an
    email field with at most one `@`): identifier_values' only element, without a list.
    `is_ascii` when the caller knows the value is plain ASCII (url_domain skips the Unicode
    cleaning). -#}
{% macro identifier_value_written(
    identifier_type, identifier_raw, identifier_lowered, is_ascii=false
) -%}
    case {{ identifier_type }}
        when 'email' then {{ email_address(identifier_lowered, is_lowered=true) }}
        when 'domain' then {{ url_domain(identifier_lowered, is_lowered=true, is_ascii=is_ascii) }}
        else trim({{ identifier_raw }})
    end
{%- endmacro %}


{#- True for an email or website value that may hold more than one value, or a domain with
    another form: a second `@`, a non-ASCII character or `xn--` (in any case). Cheap string
    functions, no regular expression: such values take the slower path of identifier_values
    and idn_domains. -#}
{% macro is_special_identifier(identifier_type, identifier_raw) -%}
    (
        {{ identifier_type }} in ('email', 'domain')
        and (
            strlen({{ identifier_raw }}) <> length({{ identifier_raw }})
            or contains(lower({{ identifier_raw }}), 'xn--')
            or ({{ identifier_type }} = 'email' and {{ identifier_raw }} like '%@%@%')
        )
    )
{%- endmacro %}


{#- The domain a written identifier value names (an email's, a website's), for the domain
    lookups; null for tool ids. -#}
{% macro identifier_domain(identifier_type, identifier_value) -%}
    case {{ identifier_type }}
        when 'email' then {{ email_domain(identifier_value) }}
        when 'domain' then {{ identifier_value }}
    end
{%- endmacro %}


{#- True when a domain is written with non-ASCII characters or a punycode label, and so has
    its one form in idn_domains: a byte count that differs from the character count is cheaper
    than a regular expression. -#}
{% macro is_idn_candidate(text) -%}
    (strlen({{ text }}) <> length({{ text }}) or contains({{ text }}, 'xn--'))
{%- endmacro %}


{#- An identifier value in the form identity keeps: normalize_email for an email; a domain
    (url_domain) and a tool id as they are. `value` is one element of identifier_values, its
    domain already in its one form. -#}
{% macro normalize_identifier(identifier_type, value) -%}
    case {{ identifier_type }} when 'email' then {{ normalize_email(value) }} else {{ value }} end
{%- endmacro %}
