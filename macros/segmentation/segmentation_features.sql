{#- The columns segmentation reads (hvc.segmentation.FEATURES with net revenue), from a
    relation of the macro customer_activity, typed as the Python package expects: the one list
    that today's features, the backtest's and every period end's select. `relation` is the
    alias the columns are read from. -#}
{% macro segmentation_features(relation) -%}
    cast({{ relation }}.net_revenue as double) as net_revenue,
    cast({{ relation }}.adjusted_revenue as double) as adjusted_revenue,
    {{ relation }}.order_count,
    cast({{ relation }}.average_order_value as double) as average_order_value,
    {{ relation }}.recency_days,
    {{ relation }}.tenure_days,
    {{ relation }}.distinct_product_count,
    {{ relation }}.item_count,
    {{ relation }}.purchase_frequency,
    {{ relation }}.return_rate,
    cast({{ relation }}.ticket_open_days as double) as ticket_open_days
{%- endmacro %}
