{#- Our own id of a record that a tool numbered: the MD5 (hex) of the tool's id, which already
    names its source (`edd:123`). Served tables carry it instead of the tool's id. -#}
{% macro surrogate_key(tool_id) -%}
    md5({{ tool_id }})
{%- endmacro %}
