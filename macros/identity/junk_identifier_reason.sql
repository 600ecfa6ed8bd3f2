{#-
    Pattern rules for identifiers that must never link records, beside the junk_identifiers
    seed. Returns the reason, or null for a usable identifier:
    - `noreply_address`: a no-reply, bounce or postmaster mailbox;
    - `test_domain`: a test, example or reserved domain (RFC 2606), in emails and domains;
    - `placeholder_address`: a local part that says there is no address (noemail, none, null,
      n/a, unknown, nobody, fake, xxx, asdf..., qwerty...) at any domain; and at a shared
      mailbox provider (`domain_kind` free_mail, relay or disposable, where many unrelated
      people type the same made-up address) also test, demo, sample, example, email, user,
      na, no, abc, a run of digits 1 2 3, or a single character. At a business domain those
      stay: a company's own test@ or j@ mailbox belongs to that company; and one character at
      a one-character domain name (a@b.co: the few real one-letter domains belong to large
      companies, whose staff do not use one-letter mailboxes);
    - `local_part_is_domain`: the local part is the domain's first label (x@x.com,
      asdf@asdf.com, john@john.com: a made-up address; jo@jo-design.com is fine).
    `identifier_value` is normalised (normalize_email, url_domain); `domain_kind` the kind of
    the email's domain in int_identity__shared_domains (SQL, null for a business domain).
    The order keeps the reasons of the first two rules, which the sales rules read.
-#}
{% macro junk_identifier_reason(identifier_type, identifier_value, domain_kind='null') -%}
    {%- set local_part = "split_part(" ~ identifier_value ~ ", '@', 1)" -%}
    {%- set noreply = '(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)' -%}
    {%- set no_address = '(no-?e?-?mails?(-?address)?|no-?address|none|null|nil|n/a|unknown|nobody'
        ~ '|no-?one|fake[0-9]*|x{2,}|asdf[a-z]*|qwerty[a-z0-9]*)' -%}
    {%- set made_up_at_shared = '(.|na|no|test[0-9]*|testing|demo[0-9]*|sample[0-9]*|example'
        ~ '|email|user|abc|1(2(3(4(5(6)?)?)?)?)?)' -%}
    {%- set test_domain = '(^|[@.])(example\.(com|net|org)|test\.com|localhost'
        ~ '|[a-z0-9-]+\.(test|example|invalid|localhost))$' -%}
    case
        -- one expression for the local part's rules in the usual case, where none applies
        when {{ identifier_type }} = 'email'
            and regexp_full_match({{ local_part }}, '{{ noreply }}|{{ no_address }}')
            then
                case
                    when regexp_full_match({{ local_part }}, '{{ noreply }}') then 'noreply_address'
                    when regexp_matches({{ identifier_value }}, '{{ test_domain }}')
                        then 'test_domain'
                    else 'placeholder_address'
                end
        when {{ identifier_type }} in ('email', 'domain')
            and regexp_matches({{ identifier_value }}, '{{ test_domain }}')
            then 'test_domain'
        when {{ identifier_type }} = 'email'
            and {{ domain_kind }} in ('free_mail', 'relay', 'disposable')
            and regexp_full_match({{ local_part }}, '{{ made_up_at_shared }}')
            then 'placeholder_address'
        when {{ identifier_type }} = 'email'
            and {{ local_part }} = split_part(split_part({{ identifier_value }}, '@', 2), '.', 1)
            then 'local_part_is_domain'
        -- one character at a one-character domain name (a@b.co)
        when {{ identifier_type }} = 'email'
            and strpos({{ identifier_value }}, '@') = 2
            and substr({{ identifier_value }}, 4, 1) = '.'
            then 'placeholder_address'
    end
{%- endmacro %}
