{#-
    Among a base model's usable rows (first copies without a row problem), ranks the rows that
    share one id, newest first: rank 1 is staged, the others are quarantined as 'duplicate_id'.
    Needs the columns `_copy_number`, `row_problem` and `_raw_record`.
-#}
{% macro rank_within_id(id_column, newest_first='_source_file desc') -%}
    case
        when _copy_number = 1 and row_problem is null
            then row_number() over (
                partition by {{ id_column }}, _copy_number = 1 and row_problem is null
                order by {{ newest_first }}, _raw_record
            )
    end
{%- endmacro %}
