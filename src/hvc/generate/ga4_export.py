"""GA4's BigQuery export as it is exported: the ``events_YYYYMMDD`` table's nested schema.

Google's "[GA4] BigQuery Export schema" (support.google.com/analytics/answer/7029846,
developers.google.com/analytics/bigquery/event-schema): one row per event; its parameters in
the repeated record ``event_params`` (``key``, ``value`` {string_value, int_value,
float_value, double_value}), the session id as ``ga_session_id`` (int_value) and the page as
``page_location`` (string_value); ``user_properties`` the same with ``set_timestamp_micros``;
``device``, ``geo`` and ``traffic_source`` (first-touch ``name``, ``medium``, ``source``)
records; ``event_timestamp`` INT64 microseconds (UTC) and ``event_date`` a ``YYYYMMDD`` string.
The columns here are those a web data stream fills, in the export's order; the app, ecommerce,
privacy and lifetime-value columns, empty for this site, are left out (a reader takes columns by
name and ignores the others). Compressed with Snappy, as BigQuery's Parquet exports are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.util import group_starts, lookup, rank_in_group, where

PARAM_VALUE = pa.struct(
    [
        ("string_value", pa.string()),
        ("int_value", pa.int64()),
        ("float_value", pa.float64()),
        ("double_value", pa.float64()),
    ]
)
EVENT_PARAMS = pa.list_(pa.struct([("key", pa.string()), ("value", PARAM_VALUE)]))
USER_PROPERTIES = pa.list_(
    pa.struct(
        [
            ("key", pa.string()),
            ("value", pa.struct([*PARAM_VALUE, ("set_timestamp_micros", pa.int64())])),
        ]
    )
)
WEB_INFO = pa.struct(
    [("browser", pa.string()), ("browser_version", pa.string()), ("hostname", pa.string())]
)
DEVICE = pa.struct(
    [
        ("category", pa.string()),
        ("operating_system", pa.string()),
        ("operating_system_version", pa.string()),
        ("language", pa.string()),
        ("is_limited_ad_tracking", pa.string()),
        ("browser", pa.string()),
        ("browser_version", pa.string()),
        ("web_info", WEB_INFO),
    ]
)
GEO = pa.struct(
    [
        ("city", pa.string()),
        ("country", pa.string()),
        ("continent", pa.string()),
        ("region", pa.string()),
        ("sub_continent", pa.string()),
        ("metro", pa.string()),
    ]
)
TRAFFIC_SOURCE = pa.struct(
    [("name", pa.string()), ("medium", pa.string()), ("source", pa.string())]
)
EVENT_SCHEMA = pa.schema(
    [
        ("event_date", pa.string()),
        ("event_timestamp", pa.int64()),
        ("event_name", pa.string()),
        ("event_params", EVENT_PARAMS),
        ("user_id", pa.string()),
        ("user_pseudo_id", pa.string()),
        ("user_properties", USER_PROPERTIES),
        ("user_first_touch_timestamp", pa.int64()),
        ("device", DEVICE),
        ("geo", GEO),
        ("traffic_source", TRAFFIC_SOURCE),
        ("stream_id", pa.string()),
        ("platform", pa.string()),
    ]
)

STREAM_ID = "4178014231"
# continent and sub-continent (GA4's UN M49 names) of each country the demo's regions are in
CONTINENTS = {
    "United States": ("Americas", "Northern America"),
    "Canada": ("Americas", "Northern America"),
    "United Kingdom": ("Europe", "Northern Europe"),
    "Germany": ("Europe", "Western Europe"),
    "France": ("Europe", "Western Europe"),
    "India": ("Asia", "Southern Asia"),
    "Australia": ("Oceania", "Australasia"),
    "Argentina": ("Americas", "South America"),
    "Brazil": ("Americas", "South America"),
}
# first-touch campaign name (traffic_source.name) of each acquisition (source, medium)
CAMPAIGNS = {
    "organic": "(organic)",
    "cpc": "brand_search",
    "referral": "(referral)",
    "social": "(referral)",
    "email": "monthly_newsletter",
    "(none)": "(direct)",
    "video": "(referral)",
    "affiliate": "partner_program",
}
# (category, share, operating systems)
DEVICES = [
    ("desktop", 0.62, ["Windows", "Macintosh", "Linux"]),
    ("mobile", 0.33, ["Android", "iOS"]),
    ("tablet", 0.05, ["iOS", "Android"]),
]
# the browsers seen on each operating system
BROWSERS = {
    "Windows": ["Chrome", "Edge", "Firefox"],
    "Macintosh": ["Safari", "Chrome", "Firefox"],
    "Linux": ["Chrome", "Firefox"],
    "Android": ["Chrome", "Samsung Internet"],
    "iOS": ["Safari", "Chrome"],
}
OS_VERSIONS = {
    "Windows": "Windows 10",
    "Macintosh": "Intel 10.15",
    "Linux": "Linux x86_64",
    "Android": "Android 14",
    "iOS": "iOS 17.4",
}
BROWSER_VERSIONS = {
    "Chrome": "123.0.6312.86",
    "Edge": "123.0.2420.65",
    "Firefox": "124.0",
    "Safari": "17.4",
    "Samsung Internet": "24.0",
}
PARAM_KEYS = ["page_location", "page_title", "ga_session_id", "ga_session_number"]
ENGAGEMENT_KEY = "engagement_time_msec"


def page_title(path: str) -> str:
    """A page's ``<title>``, from its path: ``/plugins/cache-pilot/`` -> ``Cache Pilot``."""
    last = path.strip("/").split("/")[-1]
    name = last.replace("-", " ").title() if last else "Home"
    return f"{name} | Larkspur Plugins"


@dataclass
class Devices:
    """Per device (browser): what the export repeats on each of its events. Indices:
    ``operating_system`` into the operating systems of all categories in turn, ``browser``
    into that system's browsers, ``city`` into its region's three."""

    category: np.ndarray
    operating_system: np.ndarray
    browser: np.ndarray
    city: np.ndarray


def draw_devices(rng: np.random.Generator, n: int) -> Devices:
    """Draw each device's category, operating system, browser and city (0-2 of its region)."""
    category = rng.choice(len(DEVICES), n, p=[d[1] for d in DEVICES])
    os_pick = rng.integers(0, 6, n)
    browser_pick = rng.integers(0, 6, n)
    n_os = np.array([len(d[2]) for d in DEVICES])[category]
    os_first = group_starts(np.array([len(d[2]) for d in DEVICES]))
    operating_system = os_first[category] + os_pick % n_os
    n_browser = np.array([len(BROWSERS[os]) for d in DEVICES for os in d[2]])[operating_system]
    return Devices(
        category=category,
        operating_system=operating_system,
        browser=browser_pick % n_browser,
        city=rng.integers(0, 3, n),
    )


def _device_struct(devices: Devices, dev: np.ndarray) -> pa.StructArray:
    os_names = [os for d in DEVICES for os in d[2]]
    browser_names = [b for os in os_names for b in BROWSERS[os]]
    browser_first = group_starts(np.array([len(BROWSERS[os]) for os in os_names]))
    operating_system = devices.operating_system[dev]
    os = lookup(os_names, operating_system)
    browser = lookup(browser_names, browser_first[operating_system] + devices.browser[dev])
    os_version = pc.take(pa.array(list(OS_VERSIONS.values())), _index(os, list(OS_VERSIONS)))
    browser_version = pc.take(
        pa.array(list(BROWSER_VERSIONS.values())), _index(browser, list(BROWSER_VERSIONS))
    )
    n = len(dev)
    host = pa.repeat(pa.scalar(cat.SELLER_SITE.split("://", 1)[1]), n)
    web_info = pa.StructArray.from_arrays([browser, browser_version, host], fields=list(WEB_INFO))
    return pa.StructArray.from_arrays(
        [
            lookup([d[0] for d in DEVICES], devices.category[dev]),
            os,
            os_version,
            pa.repeat(pa.scalar("en-us"), n),
            pa.repeat(pa.scalar("No"), n),
            browser,
            browser_version,
            web_info,
        ],
        fields=list(DEVICE),
    )


def _index(values: pa.Array, names: list[str]) -> pa.Array:
    return pc.index_in(values, value_set=pa.array(names))


def _geo_struct(region: np.ndarray, city: np.ndarray) -> pa.StructArray:
    regions = cat.REGIONS
    country = lookup([r[1] for r in regions], region)
    continent = [CONTINENTS[r[1]] for r in regions]
    n = len(region)
    return pa.StructArray.from_arrays(
        [
            lookup([c for r in regions for c in r[8]], region * 3 + city),
            country,
            lookup([c[0] for c in continent], region),
            lookup([s for r in regions for s in r[9]], region * 3 + city),
            lookup([c[1] for c in continent], region),
            pa.repeat(pa.scalar("(not set)"), n),
        ],
        fields=list(GEO),
    )


def _traffic_struct(acquisition: np.ndarray) -> pa.StructArray:
    acq = cat.ACQUISITION
    return pa.StructArray.from_arrays(
        [
            lookup([CAMPAIGNS[a[1]] for a in acq], acquisition),
            lookup([a[1] for a in acq], acquisition),
            lookup([a[0] for a in acq], acquisition),
        ],
        fields=list(TRAFFIC_SOURCE),
    )


def _event_params(
    page: np.ndarray, session_id: np.ndarray, session_number: np.ndarray, engagement_ms: np.ndarray
) -> pa.ListArray:
    """Per event: page_location, page_title, ga_session_id, ga_session_number, and
    engagement_time_msec where it is >= 0 (not on a session's first event)."""
    has_engagement = engagement_ms >= 0
    counts = len(PARAM_KEYS) + has_engagement.astype(np.int64)
    owner = np.repeat(np.arange(len(page)), counts)
    position = rank_in_group(counts)
    locations = pa.array([cat.SELLER_SITE + p for p in cat.SITE_PATHS])
    titles = pa.array([page_title(p) for p in cat.SITE_PATHS])
    pages = pa.array(page[owner])
    no_text = pa.scalar(None, pa.string())
    string_value = where(
        position == 0,
        pc.take(locations, pages),
        where(position == 1, pc.take(titles, pages), no_text),
    )
    int_values = np.select(
        [position == 2, position == 3, position == 4],
        [session_id[owner], session_number[owner], engagement_ms[owner]],
        0,
    )
    n = len(owner)
    value = pa.StructArray.from_arrays(
        [
            string_value,
            pa.array(int_values, pa.int64(), mask=position < 2),
            pa.nulls(n, pa.float64()),
            pa.nulls(n, pa.float64()),
        ],
        fields=list(PARAM_VALUE),
    )
    entries = pa.StructArray.from_arrays(
        [lookup([*PARAM_KEYS, ENGAGEMENT_KEY], position), value],
        fields=list(EVENT_PARAMS.value_type),
    )
    offsets = np.zeros(len(page) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), entries, type=EVENT_PARAMS)


def _empty_lists(n: int, type_: pa.ListType) -> pa.ListArray:
    return pa.ListArray.from_arrays(
        pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], type_.value_type), type=type_
    )


def event_table(flat: pa.Table, events: dict[str, np.ndarray], devices: Devices) -> pa.Table:
    """The export's rows for the flat layout's rows ``flat`` (the same events, in order).

    ``events`` holds per event row: ``timestamp_us`` (null where ``flat`` has no timestamp),
    ``page``, ``session_number``, ``engagement_ms`` (-1: none), ``device``, ``region``,
    ``acquisition`` (indices into the catalog) and ``first_touch_us``.
    """
    n = flat.num_rows
    dev = events["device"]
    timestamp = events["timestamp_us"]
    columns = {
        "event_date": flat["event_date"].cast(pa.string()),
        "event_timestamp": pa.array(timestamp, pa.int64(), mask=timestamp < 0),
        "event_name": flat["event_name"].cast(pa.string()),
        "event_params": _event_params(
            events["page"],
            flat["ga_session_id"].to_numpy(),
            events["session_number"],
            events["engagement_ms"],
        ),
        "user_id": flat["user_id"],
        "user_pseudo_id": flat["user_pseudo_id"],
        "user_properties": _empty_lists(n, USER_PROPERTIES),
        "user_first_touch_timestamp": pa.array(events["first_touch_us"], pa.int64()),
        "device": _device_struct(devices, dev),
        "geo": _geo_struct(events["region"], devices.city[dev]),
        "traffic_source": _traffic_struct(events["acquisition"]),
        "stream_id": pa.repeat(pa.scalar(STREAM_ID), n),
        "platform": pa.repeat(pa.scalar("WEB"), n),
    }
    return pa.table(columns, schema=EVENT_SCHEMA)
