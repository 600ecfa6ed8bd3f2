"""API list pages: the envelope each tool's list endpoint wraps its records in.

A paged file holds one response page per line, its records under the page's records key
(``records_path``), in the order the flat file lists them. Each :class:`PageShape` is a DuckDB
select list over one page: ``records`` (the page's records, a list of structs), ``page``
(1-based), ``pages`` (how many), ``page_count`` (records on the page) and ``total`` (records in
all). The envelopes follow the APIs' documentation:

- EDD ``/edd-api/sales/?number=100``: ``{"sales": [...], "request_speed": ...}``
  (easydigitaldownloads.com/docs/edd-rest-api-sales).
- Help Scout Mailbox API 2.0 List Conversations, 25 a page: ``{"_embedded": {"conversations":
  [...]}, "_links": {...}, "page": {size, totalElements, totalPages, number}}``
  (developer.helpscout.com/mailbox-api/overview/pagination).
- Intercom List all conversations and List all contacts, ``per_page=150``: ``{"type":
  "conversation.list", "pages": {...}, "total_count": n, "conversations": [...]}`` and
  ``{"type": "list", "data": [...], "total_count": n, "pages": {...}}``
  (developers.intercom.com, pagination (cursor)).
- Drip List all subscribers, ``per_page=100``: ``{"links": {...}, "meta": {page, sort,
  direction, count, total_pages, total_count, status}, "subscribers": [...]}``
  (developer.drip.com, list all subscribers).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageShape:
    """One list endpoint's page: records per page, the records key and the page's columns."""

    size: int
    records_path: str
    select: str


EDD_PAGE_SIZE = 100
HELPSCOUT_PAGE_SIZE = 25
INTERCOM_PAGE_SIZE = 150
DRIP_PAGE_SIZE = 100

# A cursor that reads like Intercom's (base64 of a JSON array), the same for the same page.
_INTERCOM_PAGES = f"""{{
        'type': 'pages',
        'next': case when page < pages then {{
            'page': page + 1,
            'starting_after':
                to_base64(encode('[' || page * {INTERCOM_PAGE_SIZE} || ',' || page || ']'))
        }} end,
        'page': page,
        'per_page': {INTERCOM_PAGE_SIZE},
        'total_pages': pages
    }}"""

_HELPSCOUT_LINK = "json_object('href', 'https://api.helpscout.net/v2/conversations?page=' || {})"
_HELPSCOUT_LINKS = {
    "self": _HELPSCOUT_LINK.format("page"),
    "first": _HELPSCOUT_LINK.format("1"),
    "previous": _HELPSCOUT_LINK.format("page - 1"),
    "next": _HELPSCOUT_LINK.format("page + 1"),
    "last": _HELPSCOUT_LINK.format("pages"),
    "page": """json_object(
        'href', 'https://api.helpscout.net/v2/conversations{?page}', 'templated', true)""",
}


def _helpscout_links() -> str:
    """``_links`` as Help Scout sends them: no ``previous`` on the first page, no ``next`` on
    the last."""

    def links(names: list[str]) -> str:
        return "json_object(" + ", ".join(f"'{n}', {_HELPSCOUT_LINKS[n]}" for n in names) + ")"

    return f"""case
        when pages = 1 then {links(["self", "first", "last", "page"])}
        when page = 1 then {links(["self", "first", "next", "last", "page"])}
        when page = pages then {links(["self", "first", "previous", "last", "page"])}
        else {links(["self", "first", "previous", "next", "last", "page"])}
    end"""


EDD_SALES = PageShape(
    size=EDD_PAGE_SIZE,
    records_path="sales",
    # the seconds the store took to answer, a plausible figure that varies by page
    select="records as sales, round(0.018 + (page * 7919 % 97) / 2000.0, 4) as request_speed",
)

HELPSCOUT_CONVERSATIONS = PageShape(
    size=HELPSCOUT_PAGE_SIZE,
    records_path="_embedded.conversations",
    select=f"""{{'conversations': records}} as _embedded,
    {_helpscout_links()} as _links,
    {{'size': {HELPSCOUT_PAGE_SIZE}, 'totalElements': total, 'totalPages': pages,
      'number': page}} as page""",
)

INTERCOM_CONVERSATIONS = PageShape(
    size=INTERCOM_PAGE_SIZE,
    records_path="conversations",
    select=f"""'conversation.list' as type, {_INTERCOM_PAGES} as pages,
    total as total_count, records as conversations""",
)

INTERCOM_CONTACTS = PageShape(
    size=INTERCOM_PAGE_SIZE,
    records_path="data",
    select=f"""'list' as type, records as data, total as total_count,
    {_INTERCOM_PAGES} as pages""",
)

DRIP_SUBSCRIBERS = PageShape(
    size=DRIP_PAGE_SIZE,
    records_path="subscribers",
    select="""{'subscribers.account': 'https://api.getdrip.com/v2/accounts/{subscribers.account}'}
        as links,
    {'page': page, 'sort': 'created_at', 'direction': 'asc', 'count': page_count,
     'total_pages': pages, 'total_count': total, 'status': 'all'} as meta,
    records as subscribers""",
)


def paged_sql(select_sql: str, shape: PageShape) -> str:
    """Wrap the records ``select_sql`` lists (in its order) into pages of ``shape``."""
    return f"""
with records as (
    select row_number() over () - 1 as _n, record from ({select_sql}) as record
),
paged as (
    select
        _n // {shape.size} + 1 as page,
        list(record order by _n) as records,
        count(*) as page_count
    from records
    group by all
),
counted as (
    select *, max(page) over () as pages, sum(page_count) over () as total from paged
)
select {shape.select}
from counted
order by page
"""
