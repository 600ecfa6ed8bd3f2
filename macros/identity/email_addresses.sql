{#-
    The email addresses one field holds, as a list of `local@domain` (lower case, composed,
    the domain without a trailing dot), or `[null]` when the field holds no valid address.
    Accepted around an address, as exports and forms write them: spaces, tabs, line breaks,
    no-break and other Unicode spaces, invisible format characters (zero-width space and
    joiners, word joiner, byte-order mark, soft hyphen: removed anywhere), a display name
    (`Ann Lee <ann@x.com>`, `"Lee, Ann" <ann@x.com>`, `ann@x.com (Ann Lee)`), quotes or angle
    brackets, `mailto:` with its `?subject=...` query, and several addresses separated by
    commas, semicolons, slashes, vertical bars or spaces (each its own element; a local part
    does not start with a slash or a bar, though RFC 5322 allows it). Anything else in the
    field (`jane at example.com`, `ann lee@x.com`, `none`) makes it invalid. A plain address, the
    form of almost every value, is matched by one regular expression; only the other values
    are cleaned and parsed.
-#}
{% macro email_addresses(expression, is_lowered=false) -%}
    {%- set text = expression if is_lowered else "lower(nfc_normalize(" ~ expression ~ "))" -%}
    {%- set patterns = email_address_patterns() -%}
    {%- set cleaned = email_field_cleaned(text) -%}
    case
        when regexp_full_match({{ text }}, {{ sql_string(' *' ~ patterns.plain ~ '\\.? *') }})
            then [rtrim(trim({{ text }}), '.')]
        when regexp_full_match({{ cleaned }}, {{ sql_string(patterns.field) }})
            then list_distinct(regexp_extract_all(
                {{ email_field_without_names(cleaned) }}, {{ sql_string(patterns.address) }}, 1
            ))
        else [null]
    end
{%- endmacro %}


{#- The address of a field that holds at most one (one `@`): email_addresses' only element,
    without building a list; null when the field holds none. -#}
{% macro email_address(expression, is_lowered=false) -%}
    {%- set text = expression if is_lowered else "lower(nfc_normalize(" ~ expression ~ "))" -%}
    {%- set patterns = email_address_patterns() -%}
    {%- set cleaned = email_field_cleaned(text) -%}
    case
        when regexp_full_match({{ text }}, {{ sql_string(' *' ~ patterns.plain ~ '\\.? *') }})
            then rtrim(trim({{ text }}), '.')
        when regexp_full_match({{ cleaned }}, {{ sql_string(patterns.field) }})
            then regexp_extract(
                {{ email_field_without_names(cleaned) }}, {{ sql_string(patterns.address) }}, 1
            )
    end
{%- endmacro %}


{#- An email field with its format characters removed, full-width dots read as dots and every
    run of spaces and control characters one space. -#}
{% macro email_field_cleaned(text) -%}
    regexp_replace(
        translate(
            regexp_replace({{ text }}, '\p{Cf}+', '', 'g'),
            chr(12290) || chr(65294) || chr(65377),
            '...'
        ),
        '[\s\p{Z}\p{Cc}]+',
        ' ',
        'g'
    )
{%- endmacro %}


{#- A cleaned email field without the quoted display names before `<address>`: such a name
    may hold an address of its own (`"ann@x.com" <ann@y.com>`), which is not the address. -#}
{% macro email_field_without_names(cleaned) -%}
    regexp_replace({{ cleaned }}, {{ sql_string('("[^"]*"|\'[^\']*\') ?<') }}, '<', 'g')
{%- endmacro %}


{#- The regular expressions (RE2) of email_addresses: `plain` a bare local@domain, `address`
    one address as it may be written in a field (group 1: local@domain), `field` a whole field
    of one or more such items. -#}
{% macro email_address_patterns() -%}
    {#- a local part: no spaces, controls, format characters or delimiters; no leading quote,
        slash or bar (those separate addresses) -#}
    {%- set local = "[^\\s\\p{Z}\\p{C}@<>\"'(),;:\\[\\]/|][^\\s\\p{Z}\\p{C}@<>\"(),;:\\[\\]]*" -%}
    {%- set label = "[\\p{L}\\p{M}\\p{N}-]+" -%}
    {%- set domain = label ~ "(?:\\." ~ label ~ ")*\\.(?:\\p{L}[\\p{L}\\p{M}]+|xn--[a-z0-9-]+)" -%}
    {%- set plain = local ~ "@" ~ domain -%}
    {%- set address = "(?:mailto:)?(" ~ plain ~ ")\\.?(?:\\?[^\\s<>,;\"']*)?" -%}
    {%- set item = "(?:" ~ address ~ "(?: ?\\([^()]*\\))?"
        ~ "|\"" ~ address ~ "\"|'" ~ address ~ "'"
        ~ "|(?:\"[^\"]*\"|'[^']*'|[^<>\"@;]*?) ?<" ~ address ~ ">)" -%}
    {{ return({
        'plain': plain,
        'address': address,
        'field': "[ ,;/|]*" ~ item ~ "(?:[ ,;/|]+" ~ item ~ ")*[ ,;/|]*",
    }) }}
{%- endmacro %}
