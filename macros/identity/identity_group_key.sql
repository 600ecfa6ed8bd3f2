{#- Key of an identity group: the records of one raw table that carry the same identifier
    values, and so must resolve to the same customer. Identity works on groups, not records: a
    visitor's thousand web events are one group. The key is 64 bits of the MD5 of the table's
    name and its identifier values (chr(30) marks a null, chr(31) separates values), so the
    join from a record to its group is on one integer; `int_identity__groups` tests that no two
    groups share a key. (DuckDB's own `hash` is faster but collides on values like these.)
    `entry` is the table's registry entry (registry_tables); `values`, SQL expressions of the
    identifier values in the entry's order, default its identifier columns. -#}
{% macro identity_group_key(entry, values=none) -%}
    {%- set values = values if values is not none
        else entry.identifiers | map(attribute='column') | list -%}
    {%- set key_text -%}
        concat_ws(
            chr(31),
            '{{ entry.source }}:{{ entry.table }}',
            {%- for value in values %}
            coalesce(cast({{ value }} as varchar), chr(30)){{ "," if not loop.last }}
            {%- endfor %}
        )
    {%- endset %}
    {{ md5_64(key_text) }}
{%- endmacro %}
