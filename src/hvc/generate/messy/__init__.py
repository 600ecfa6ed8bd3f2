"""The ``messy`` profile: what real CRM, shop and chat exports hold beyond the demo's noise.

On top of everything the ``demo`` profile writes, a messy world plants (shares in
:class:`MessyRates`):

- agencies, consultants and resellers: business customers whose staff have HubSpot contacts
  filed under a client's company (the client's website and company association), 2 to 8
  clients each; the clients' revenue stays theirs;
- parents and subsidiaries: staff of one filed under the other's HubSpot company;
- shared browsers and logged-in-as-client sessions: one GA4 browser carrying the shop user id
  of several customers (an agency in its clients' accounts, a household), and Intercom
  contacts whose ``external_id`` is another customer's shop account;
- regional free-mail providers and Apple's private relay addresses (one per person);
- junk addresses shared by unrelated people (``x@x.com``, ``test@gmail.com``), with the shop
  and help-desk customer the tool keys on that address;
- websites that are a path on a shared host (``etsy.com/shop/x``, ``github.com/x``);
- emails as people and imports write them: control and invisible characters around them,
  display names, ``mailto:``, two addresses in one field, upper case, a trailing dot.

:func:`plan_messy` draws who is what from the population, each source module asks the
:class:`MessyWorld` for its table's part while it writes, and :meth:`MessyWorld.truth_tables`
returns what was planted: the relationships between true customers, every planted value, and
every address each person uses.
"""

from hvc.generate.messy.plan import plan_messy
from hvc.generate.messy.rates import (
    AGENCY_KINDS,
    EMAIL_FORMATS,
    JUNK_EMAILS,
    PATH_HOSTS,
    PROFILES,
    RELATIONSHIP_KINDS,
    MessyRates,
)
from hvc.generate.messy.world import CrmContacts, MessyWorld, relation_pairs

__all__ = [
    "AGENCY_KINDS",
    "EMAIL_FORMATS",
    "JUNK_EMAILS",
    "PATH_HOSTS",
    "PROFILES",
    "RELATIONSHIP_KINDS",
    "CrmContacts",
    "MessyRates",
    "MessyWorld",
    "plan_messy",
    "relation_pairs",
]
