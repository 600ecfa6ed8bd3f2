-- Every file's raw rows are staged, quarantined or duplicates: none is lost on the way.
select
    source_name,
    table_name,
    file_path,
    rows_in,
    rows_staged,
    rows_quarantined,
    duplicates_removed
from {{ ref('source_files') }}
where rows_in <> rows_staged + rows_quarantined + duplicates_removed
