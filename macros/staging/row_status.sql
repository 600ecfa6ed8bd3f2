{#-
    The fate of a raw row in a base model: 'duplicate' (an exact copy of an earlier row),
    'quarantined' (unusable, with a reason) or 'staged'. Together the three account for every
    row read.
-#}
{% macro row_status(copy_number, quarantine_reason) -%}
    case
        when {{ copy_number }} > 1 then 'duplicate'
        when {{ quarantine_reason }} is not null then 'quarantined'
        else 'staged'
    end
{%- endmacro %}
