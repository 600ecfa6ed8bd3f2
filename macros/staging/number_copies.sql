{#-
    Numbers the identical copies of each raw row (1 for the first, by source file): rows that
    differ in no declared column, e.g. from overlapping export files, share a `_raw_record`.
-#}
{% macro number_copies() -%}
    row_number() over (partition by _raw_record order by _source_file)
{%- endmacro %}
