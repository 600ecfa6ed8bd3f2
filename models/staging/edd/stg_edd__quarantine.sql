-- The source's unusable raw rows, one per row, with the reason: one branch per raw table of
-- the source in the registry (macros/registry/source_registry.sql).
{{ source_quarantine('edd') }}
