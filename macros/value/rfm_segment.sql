{#-
    The RFM segment of a customer from its recency, frequency and monetary scores (1-5 each,
    5 best). `fm` is the mean of the frequency and monetary scores, halves rounded up; the
    segment is read from the R x FM grid documented in _rfm__macros.yml. Null scores give null.
-#}
{% macro rfm_segment(r, f, m) -%}
    {%- set fm = 'cast(floor((' ~ f ~ ' + ' ~ m ~ ' + 1) / 2) as integer)' -%}
    case
        when {{ r }} is null or {{ f }} is null or {{ m }} is null then null
        when {{ r }} >= 4 and {{ fm }} >= 4 then 'Champions'
        when {{ r }} = 5 and {{ fm }} = 1 then 'New Customers'
        when {{ r }} = 4 and {{ fm }} = 1 then 'Promising'
        when {{ r }} = 5 or ({{ r }} = 4 and {{ fm }} = 2) then 'Potential Loyalists'
        when ({{ r }} = 4 and {{ fm }} = 3) or ({{ r }} = 3 and {{ fm }} >= 4) then 'Loyal Customers'
        when {{ r }} = 3 and {{ fm }} = 1 then 'About to Sleep'
        when {{ r }} = 3 then 'Need Attention'
        when {{ fm }} = 5 or ({{ r }} = 1 and {{ fm }} = 4) then 'Can''t Lose Them'
        when {{ fm }} >= 3 then 'At Risk'
        when {{ r }} = 2 and {{ fm }} = 2 then 'About to Sleep'
        when {{ r }} = 1 and {{ fm }} = 1 then 'Lost'
        else 'Hibernating'
    end
{%- endmacro %}
