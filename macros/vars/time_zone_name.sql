{#- A time zone var's value as a SQL string, once DuckDB knows it as a zone name (e.g.
    Europe/London, America/New_York, UTC); else the build stops, naming the value. -#}
{% macro time_zone_name(tz) -%}
    {%- if execute -%}
        {%- set known = run_query(
            "select count(*) from pg_timezone_names() where name = " ~ sql_string(tz)
        ).columns[0].values()[0] -%}
        {%- if known == 0 -%}
            {{ exceptions.raise_compiler_error(
                "unknown time zone " ~ tz | string | tojson ~ " (vars edd_timezone, "
                ~ "hubspot_timezone, online_retail_timezone): use an IANA name such as "
                ~ "Europe/London or America/New_York") }}
        {%- endif -%}
    {%- endif -%}
    {{ sql_string(tz) }}
{%- endmacro %}
