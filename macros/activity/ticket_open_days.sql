{#- The days (fractional, to the second) a ticket was open at time `at`: from its opening to its
    closing, or to `at` while it was still open then. The one definition of a ticket's open
    days: support_tickets (at the as-of time) and customer_activity (at any cutoff) use it. -#}
{% macro ticket_open_days(opened_at, closed_at, at) -%}
    {{ dbt.datediff(
        opened_at, 'least(coalesce(' ~ closed_at ~ ', ' ~ at ~ '), ' ~ at ~ ')', 'second'
    ) }} / 86400.0
{%- endmacro %}
