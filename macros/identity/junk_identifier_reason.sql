{#-
    Pattern rules for identifiers that must never link records, beside the junk_identifiers
    seed: no-reply mailboxes, and test, example and reserved domains (RFC 2606), in emails and
    in domains. Returns the reason, or null for a usable identifier.
-#}
{% macro junk_identifier_reason(identifier_type, identifier_value) -%}
    case
        when {{ identifier_type }} = 'email'
            and regexp_full_match(
                split_part({{ identifier_value }}, '@', 1),
                '(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)'
            )
            then 'noreply_address'
        when {{ identifier_type }} in ('email', 'domain')
            and regexp_matches(
                {{ identifier_value }},
                '(^|[@.])(example\.(com|net|org)|test\.com|localhost|[a-z0-9-]+\.(test|example|invalid|localhost))$'
            )
            then 'test_domain'
    end
{%- endmacro %}
