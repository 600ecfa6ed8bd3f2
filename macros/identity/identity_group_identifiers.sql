{#- The identifiers an identity group carries, as a list of (identifier_type, identifier_raw,
    evidence_rank): one entry per identifier column of the table's registry entry, one per
    element of a list column; evidence_rank is the column's evidence (0 = own, see
    identity_evidence_levels). Null entries stay in the list; `int_identity__record_identifiers`
    drops them. -#}
{% macro identity_group_identifiers(entry) -%}
    {%- set scalars = entry.identifiers | rejectattr('is_list') | list -%}
    {%- set lists = entry.identifiers | selectattr('is_list') | list -%}
    {%- set levels = identity_evidence_levels() -%}
    {%- set parts = [] -%}
    {%- if scalars -%}
        {%- set entries = [] -%}
        {%- for identifier in scalars -%}
            {%- do entries.append(
                "{'identifier_type': '" ~ identifier.type ~ "', 'identifier_raw': "
                ~ identifier.column ~ ", 'evidence_rank': "
                ~ levels.index(identifier.evidence | default('own')) ~ "}"
            ) -%}
        {%- endfor -%}
        {%- do parts.append('[' ~ entries | join(', ') ~ ']') -%}
    {%- endif -%}
    {%- for identifier in lists -%}
        {%- do parts.append(
            "coalesce(list_transform(list_distinct(" ~ identifier.column ~ "), value -> {'identifier_type': '"
            ~ identifier.type ~ "', 'identifier_raw': value, 'evidence_rank': "
            ~ levels.index(identifier.evidence | default('own')) ~ "}), [])"
        ) -%}
    {%- endfor -%}
    {{ parts | join(' || ') }}
{%- endmacro %}
