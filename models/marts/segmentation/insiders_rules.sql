-- The Insiders' membership rules in words, with the vars that set them: what
-- insiders_membership_history applies at every period end.
{%- set periods = number_var('insiders_history_periods') | int %}
{%- set exit_periods = number_var('insiders_exit_periods') | int %}
{%- set inactive_days = number_var('insiders_exit_inactive_days') | int %}
{%- if var('insiders_rule') == 'top_share' %}
    {%- set enter = 'A customer enters at a period end where they are among the most valuable '
        ~ (number_var('insiders_top_share') * 100) ~ ' % of their business line (adjusted '
        ~ 'revenue) and bought in the last ' ~ inactive_days ~ ' days.' %}
{%- else %}
    {%- set enter = 'A customer enters at a period end where they are in segment 1 of their '
        ~ 'business line (its most valuable cluster at that period end; the other segments '
        ~ 'keep their ids by group from period to period) and bought in the last '
        ~ inactive_days ~ ' days.' %}
{%- endif %}
{%- set rules = [
    ('decided', 'At the end of every ' ~ var('insiders_period') ~ ', over the latest '
        ~ periods ~ ' complete periods, from what each customer had done by then.',
        'insiders_period, insiders_history_periods'),
    ('enter', enter, 'insiders_rule, insiders_top_share, insiders_exit_inactive_days'),
    ('stay', 'An Insider stays while eligible, and through fewer than ' ~ exit_periods
        ~ ' consecutive period ends out of segment 1.', 'insiders_exit_periods'),
    ('remove', 'An Insider is removed once out of segment 1 for ' ~ exit_periods
        ~ ' consecutive period ends, or at any period end with no purchase in the last '
        ~ inactive_days ~ ' days (in segment 1 or not), and re-enters only by being eligible '
        ~ 'and buying again.',
        'insiders_exit_periods, insiders_exit_inactive_days'),
] %}
with

rules as (
    {%- for kind, description, names in rules %}
        select
            {{ loop.index }} as rule_order,
            {{ sql_string(kind) }} as rule_kind,
            {{ sql_string(description) }} as description,
            {{ sql_string(names) }} as vars
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        cast(rule_order as integer) as rule_order,
        cast(rule_kind as varchar) as rule_kind,
        cast(description as varchar) as description,
        cast(vars as varchar) as vars
    from rules
)

select * from final
