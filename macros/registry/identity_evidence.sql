{#-
    How strongly a link between two identifiers shows they are one customer, strongest first:
    - `own`: the record's own identifiers (a payment's customer id and email, a contact's id
      and email, an email and the domain it names);
    - `tool_link`: another tool's account id a record carries (a chat contact's shop user id);
    - `association`: a CRM association (a contact's company and website);
    - `session`: a shared browser or session (a web visitor id and the shop user logged in).
    A registry identifier declares its `evidence` (default `own`) and, when weaker than `own`,
    the `relationship` a refused link stands for. A link between two identifiers of one record
    has the weaker evidence of the two. Links apply strongest first; the weaker ones only
    within the limits of var identity_link_limits (components in hvc.identity).
-#}
{% macro identity_evidence_levels() -%}
    {{ return(['own', 'tool_link', 'association', 'session']) }}
{%- endmacro %}


{#- The relationship a weak link stands for (the registry's `relationship` of the weaker
    identifier), null for an `own` link. -#}
{% macro identity_relationship_kind(source_name, table_name, identifier_type) -%}
    case
        {%- for entry in registry_tables() %}
            {%- for identifier in entry.identifiers if identifier.relationship is defined %}
                when {{ source_name }} = '{{ entry.source }}'
                    and {{ table_name }} = '{{ entry.table }}'
                    and {{ identifier_type }} = '{{ identifier.type }}'
                    then '{{ identifier.relationship }}'
            {%- endfor %}
        {%- endfor %}
    end
{%- endmacro %}
