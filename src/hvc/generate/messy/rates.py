"""The messy profile's shares (``MessyRates``) and the values it plants: providers, relay and
junk addresses, shared hosts, email formats, and where each tool lets them through."""

from __future__ import annotations

from dataclasses import asdict, dataclass

PROFILES = ("demo", "messy")

#: Relationship kinds between true customers, as written to truth/relationships.parquet.
RELATIONSHIP_KINDS = (
    "agency_of",
    "consultant_of",
    "reseller_of",
    "parent_of",
    "subsidiary_of",
    "shares_browser",
    "shares_chat_contact",
)
AGENCY_KINDS = ("agency_of", "consultant_of", "reseller_of")


@dataclass(frozen=True)
class MessyRates:
    """The share of each planted pattern: one place to turn a pattern up, down or off.

    Attributes
    ----------
    agency_share : business customers that are agencies, consultants or resellers.
    agency_kind_weights : weights of agency, consultant and reseller among them.
    agency_clients : the fewest and most clients an agency serves.
    agency_second_staffer : engagements where a second staffer gets a client-filed contact.
    agency_plus_address : client-filed contacts on a per-client plus address (ann+client@).
    agency_free_mail : client-filed contacts on a free-mail address (twice this for
        consultants).
    agency_browser_share : agencies whose staff log into clients' shop accounts in their
        browser (GA4).
    agency_chat_share : agencies whose staff chat from a client's shop account (Intercom).
    parent_share : business customers that are the parent of 1 to 3 subsidiaries.
    household_share : individual customers who share a home with another individual customer.
    household_browser_share, household_chat_share : households sharing a browser, and whose
        partner chats from the other's shop account.
    regional_free_mail : individuals on a regional free-mail provider.
    apple_relay : individuals with an Apple private relay address (business staff: a quarter).
    junk_email : records with an email whose address is shared junk.
    email_format : records with an email written in one of the table's formats.
    path_website : business customers whose website is a path on a shared host.
    """

    agency_share: float = 0.04
    agency_kind_weights: tuple[float, float, float] = (0.5, 0.3, 0.2)
    agency_clients: tuple[int, int] = (2, 8)
    agency_second_staffer: float = 0.3
    agency_plus_address: float = 0.3
    agency_free_mail: float = 0.2
    agency_browser_share: float = 0.5
    agency_chat_share: float = 0.4
    parent_share: float = 0.02
    household_share: float = 0.08
    household_browser_share: float = 0.6
    household_chat_share: float = 0.3
    regional_free_mail: float = 0.2
    apple_relay: float = 0.06
    junk_email: float = 0.01
    email_format: float = 0.05
    path_website: float = 0.05

    def __post_init__(self) -> None:
        """Reject shares outside [0, 1] and an empty client range."""
        for name, value in asdict(self).items():
            if isinstance(value, float) and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1, not {value}")
        low, high = self.agency_clients
        if not 1 <= low <= high:
            raise ValueError("agency_clients must be (fewest, most) with 1 <= fewest <= most")


# Where people on a regional provider live (by catalog region), and providers used anywhere.
REGIONAL_FREE_MAIL: dict[str, tuple[str, ...]] = {
    "US": ("comcast.net", "att.net", "sbcglobal.net", "verizon.net", "cox.net", "bellsouth.net"),
    "Canada": ("shaw.ca", "rogers.com", "sympatico.ca", "videotron.ca"),
    "UK": ("btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com"),
    "Germany": ("web.de", "gmx.de", "t-online.de", "freenet.de", "posteo.de"),
    "France": ("orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr"),
    "India": ("rediffmail.com", "yahoo.co.in"),
    "Australia": ("bigpond.com", "optusnet.com.au", "iinet.net.au", "bigpond.net.au"),
    "Argentina": ("fibertel.com.ar", "yahoo.com.ar", "speedy.com.ar"),
    "Brazil": ("uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br"),
}
GLOBAL_FREE_MAIL = (
    "foxmail.com",
    "qq.com",
    "163.com",
    "naver.com",
    "yahoo.co.jp",
    "yandex.ru",
    "mail.ru",
    "seznam.cz",
    "bluewin.ch",
    "libero.it",
    "wp.pl",
    "daum.net",
    "hanmail.net",
    "rambler.ru",
    "centrum.cz",
    "virgilio.it",
    "ziggo.nl",
    "telenet.be",
)
REGIONAL_SHARE_AT_HOME = 0.6  # the rest use a provider from GLOBAL_FREE_MAIL
ALIAS_FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com")
ALIAS_WORDS = ("", "", "consulting", "dev", "wp", "design", "web", "studio")

RELAY_DOMAIN = "privaterelay.appleid.com"
#: Per table, the share of a relay user's records that carry the relay address: the shop
#: signs them in with Apple; Drip and HubSpot get the shop's address; mail to support through
#: the relay comes back from it.
RELAY_USE = {
    "edd.payments": 0.9,
    "drip.subscribers": 0.9,
    "hubspot.contacts": 0.6,
    "intercom.contacts": 0.7,
    "intercom.conversations": 0.4,
    "helpscout.conversations": 0.3,
}

#: Junk addresses people type to get past a form, most common first (none of them in the
#: project's junk list when this profile was written but asdf@asdf.com).
JUNK_EMAILS = (
    "x@x.com",
    "test@gmail.com",
    "a@b.co",
    "asdf@asdf.com",
    "noemail@gmail.com",
    "noemail@noemail.com",
    "abc@abc.com",
    "123@123.com",
    "none@gmail.com",
    "no@no.com",
    "aaa@aaa.com",
    "na@na.com",
    "customer@customer.com",
    "me@me.com",
    "qwerty@qwerty.com",
    "fake@fake.com",
)
#: Tables that take junk, with the tool's own customer id for an address where the tool keys
#: customers by email (EDD's customer, Help Scout's customer profile).
JUNK_TABLES = (
    "edd.payments",
    "helpscout.conversations",
    "intercom.contacts",
    "intercom.conversations",
    "hubspot.contacts",
)

#: Shared hosts of path-style websites: (host, URL pattern of a page of one customer).
PATH_HOSTS = (
    ("etsy.com", "https://www.etsy.com/shop/{name}"),
    ("medium.com", "https://medium.com/@{slug}"),
    ("linktr.ee", "https://linktr.ee/{slug}"),
    ("facebook.com", "https://www.facebook.com/{name}"),
    ("github.com", "https://github.com/{slug}"),
    ("instagram.com", "https://www.instagram.com/{slug}/"),
    ("sites.google.com", "https://sites.google.com/view/{slug}"),
)

EMAIL_FORMATS = (
    "whitespace",  # tab, newline, no-break or zero-width space around the address
    "display_name",  # Ann Lee <ann@x.com>
    "display_name_quoted",  # "Lee, Ann" <ann@x.com>
    "mailto",  # mailto:ann@x.com
    "two_addresses",  # ann@x.com; bob@x.com (a colleague or a household partner)
    "upper",  # ANN@X.COM
    "trailing_dot",  # ann@x.com.
)
#: The formats each table lets through: the shop and Drip check the form field's syntax
#: loosely, help-desk and chat tools copy what mail and messenger give them, a CRM import
#: takes anything a spreadsheet held.
TABLE_FORMATS = {
    "edd.payments": ("whitespace", "upper", "trailing_dot"),
    "helpscout.conversations": ("display_name", "display_name_quoted", "upper", "whitespace"),
    "intercom.contacts": ("whitespace", "upper", "trailing_dot", "two_addresses"),
    "intercom.conversations": ("display_name", "upper", "whitespace"),
    "drip.subscribers": ("upper", "whitespace"),
    "hubspot.contacts": EMAIL_FORMATS,
}
SPACES = ("\t", "\n", "\u00a0", "\u200b", "\r\n", " \t", "\ufeff")
SEPARATORS = ("; ", ", ", ";", " / ")
