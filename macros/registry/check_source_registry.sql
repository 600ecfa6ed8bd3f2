{#-
    Run at the start of every dbt invocation (on-run-start): the source registry and the
    project must agree. Fails, listing every problem, when a registry entry has no source table,
    base, staging or quarantine model, names an identifier type not in identifier_types or an
    evidence not in identity_evidence_levels (or a weaker evidence with no relationship), has
    no `unique` and `not_null` data test on its staging model's record id (identity keys each
    record by source, table and that id, and tests its uniqueness there, where it is cheap:
    int_identity__source_records is a view), or is listed twice; and when a source table or a
    base model has no registry entry (it would be missing from reconciliation, quarantine and
    identity). A no-op query otherwise.
-#}
{% macro check_source_registry() -%}
    {%- if execute -%}
        {%- set problems = [] -%}
        {%- set project_sources = graph.sources.values()
            | selectattr('package_name', 'equalto', project_name) | list -%}
        {%- set project_models = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('package_name', 'equalto', project_name)
            | map(attribute='name') | list -%}
        {%- set column_tests = [] -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'test' and node.test_metadata and node.column_name -%}
            {%- do column_tests.append(
                node.test_metadata.name ~ ':' ~ node.attached_node ~ ':' ~ node.column_name) -%}
        {%- endfor -%}
        {%- set seen = [] -%}
        {%- for entry in registry_tables() -%}
            {%- set name = entry.source ~ '.' ~ entry.table -%}
            {%- if name in seen -%}
                {%- do problems.append(name ~ ' is listed twice in the registry') -%}
            {%- endif -%}
            {%- do seen.append(name) -%}
            {%- if not (project_sources | selectattr('source_name', 'equalto', entry.source)
                | selectattr('name', 'equalto', entry.table) | list) -%}
                {%- do problems.append(
                    name ~ ' has no source table: declare it in models/staging/' ~ entry.source
                    ~ '/_' ~ entry.source ~ '__sources.yml') -%}
            {%- endif -%}
            {%- for model_name in [entry.base_model, entry.staged_model, entry.quarantine_model] -%}
                {%- if model_name not in project_models -%}
                    {%- do problems.append(
                        name ~ ' needs the model ' ~ model_name ~ ' under models/staging/'
                        ~ entry.source ~ '/') -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for test_name in ['unique', 'not_null']
                if entry.staged_model in project_models
                and test_name ~ ':model.' ~ project_name ~ '.' ~ entry.staged_model ~ ':'
                    ~ entry.record_id not in column_tests -%}
                {%- do problems.append(
                    name ~ ': the record id ' ~ entry.record_id ~ ' of ' ~ entry.staged_model
                    ~ ' needs a ' ~ test_name ~ ' data test') -%}
            {%- endfor -%}
            {%- for identifier in entry.identifiers
                if identifier.type not in identifier_types() -%}
                {%- do problems.append(
                    name ~ ': identifier type ' ~ identifier.type ~ ' is not in '
                    ~ 'macros/registry/identifier_types.sql') -%}
            {%- endfor -%}
            {%- set evidence_of = {} -%}
            {%- for identifier in entry.identifiers -%}
                {%- set evidence = identifier.evidence | default('own') -%}
                {%- if evidence not in identity_evidence_levels() -%}
                    {%- do problems.append(
                        name ~ ': evidence ' ~ evidence ~ ' of ' ~ identifier.type
                        ~ ' is not one of ' ~ identity_evidence_levels() | join(', ')) -%}
                {%- elif evidence != 'own' and identifier.relationship is not defined -%}
                    {%- do problems.append(
                        name ~ ': ' ~ identifier.type ~ ' has evidence ' ~ evidence
                        ~ ' but no relationship') -%}
                {%- endif -%}
                {%- if evidence_of.get(identifier.type, evidence) != evidence -%}
                    {%- do problems.append(
                        name ~ ': two columns of type ' ~ identifier.type
                        ~ ' with different evidence') -%}
                {%- endif -%}
                {%- do evidence_of.update({identifier.type: evidence}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for node in project_sources -%}
            {%- set name = node.source_name ~ '.' ~ node.name -%}
            {%- if name not in seen -%}
                {%- do problems.append(
                    'source table ' ~ name ~ ' has no entry in the registry') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for model_name in project_models if model_name.startswith('base_') -%}
            {%- set name = model_name[5:].replace('__', '.', 1) -%}
            {%- if name not in seen -%}
                {%- do problems.append(
                    'base model ' ~ model_name ~ ' has no entry for ' ~ name
                    ~ ' in the registry') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error(
                "The source registry (macros/registry/source_registry.sql) and the project "
                ~ "disagree:\n  - " ~ problems | join("\n  - ")
                ~ "\nEvery raw table needs a source table, a base model, a staging model, its "
                ~ "source's quarantine model and one registry entry (README: Add a source).") }}
        {%- endif -%}
    {%- endif -%}
    select 1 as source_registry_checked
{%- endmacro %}
