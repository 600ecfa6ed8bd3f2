{#-
    A base model's rows as stored, from its last CTE: `_raw_record` is kept where something
    reads it (a quarantined row, which its source's quarantine shows, and a duplicate, the copy
    of one) and null for a staged row, whose typed columns are the row and whose
    `_source_file` and `_line_number` locate it in the export. The raw JSON text is most of a
    base table's bytes, and writing it is most of the table's commit: EDD payments at 100 k
    customers took 8.4 s to build and commit with it in every row, 5.2 s without.
-#}
{% macro base_rows(relation) -%}
select
    * replace (
        case when row_status = 'staged' then null::varchar else _raw_record end as _raw_record
    )
from {{ relation }}
{%- endmacro %}
