{#-
    Numbers the identical copies of each raw row (1 for the first, by source file and line):
    rows that differ in no declared column, e.g. from overlapping export files, share a
    `_raw_record`. A row that could not be read (`_read_problem`) is never a copy: each is
    quarantined on its own.
-#}
{% macro number_copies() -%}
    case
        when _read_problem is null
            then row_number() over (
                partition by _raw_record, _read_problem is null
                order by _source_file, _line_number
            )
        else 1
    end
{%- endmacro %}
