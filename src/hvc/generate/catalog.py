"""Fixed reference lists of the demo world: calendar, industries, regions, products, words.

Everything here is constant, so a seed alone decides the generated world.
"""

from __future__ import annotations

import datetime as dt

HISTORY_START = dt.date(2023, 1, 1)
AS_OF_DATE = dt.date(2025, 6, 30)
#: Unix seconds of the first instant of the history and of the instant after the as-of date.
START_S = int(dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp())
END_S = int(dt.datetime(2025, 7, 1, tzinfo=dt.UTC).timestamp())
DAY_S = 86_400

SELLER_NAME = "Larkspur Plugins"
SELLER_DOMAIN = "larkspurplugins.com"
SELLER_SITE = "https://larkspurplugins.com"
STAFF = [
    ("Maya", "Lindqvist"),
    ("Tomas", "Okafor"),
    ("Priya", "Raman"),
    ("Jonah", "Weller"),
    ("Elena", "Sorensen"),
    ("Ravi", "Castellano"),
]

# Industry, share of customers, planted license-3 log-odds effect.
INDUSTRIES: list[tuple[str, float, float]] = [
    ("Retail", 0.10, 1.10),
    ("Consulting", 0.10, 1.00),
    ("Event Services", 0.07, 1.20),
    ("Software", 0.13, 0.00),
    ("Education", 0.09, -0.30),
    ("Healthcare", 0.07, -0.10),
    ("Financial Services", 0.07, -0.05),
    ("Manufacturing", 0.07, -0.25),
    ("Non-profit", 0.08, -0.40),
    ("Media", 0.08, 0.05),
    ("Real Estate", 0.07, -0.15),
    ("Travel", 0.07, 0.00),
]

# Region, country, IANA zone, standard UTC offset (hours), territory, share, planted effect,
# daylight-saving rule ("north", "south" or "none"), cities, state/province names.
REGIONS: list[tuple] = [
    (
        "US Northeast",
        "United States",
        "America/New_York",
        -5.0,
        "North America",
        0.12,
        0.90,
        "north",
        ["New York", "Boston", "Philadelphia"],
        ["New York", "Massachusetts", "Pennsylvania"],
    ),
    (
        "US Central",
        "United States",
        "America/Chicago",
        -6.0,
        "North America",
        0.09,
        0.05,
        "north",
        ["Chicago", "Dallas", "Minneapolis"],
        ["Illinois", "Texas", "Minnesota"],
    ),
    (
        "US Mountain",
        "United States",
        "America/Denver",
        -7.0,
        "North America",
        0.04,
        0.00,
        "north",
        ["Denver", "Salt Lake City", "Boise"],
        ["Colorado", "Utah", "Idaho"],
    ),
    (
        "US Pacific",
        "United States",
        "America/Los_Angeles",
        -8.0,
        "North America",
        0.10,
        0.10,
        "north",
        ["San Francisco", "Seattle", "Portland"],
        ["California", "Washington", "Oregon"],
    ),
    (
        "Alaska",
        "United States",
        "America/Anchorage",
        -9.0,
        "North America",
        0.04,
        1.10,
        "north",
        ["Anchorage", "Fairbanks", "Juneau"],
        ["Alaska", "Alaska", "Alaska"],
    ),
    (
        "Canada",
        "Canada",
        "America/Toronto",
        -5.0,
        "North America",
        0.06,
        0.00,
        "north",
        ["Toronto", "Ottawa", "Montreal"],
        ["Ontario", "Ontario", "Quebec"],
    ),
    (
        "UK",
        "United Kingdom",
        "Europe/London",
        0.0,
        "EMEA",
        0.10,
        0.00,
        "north",
        ["London", "Manchester", "Leeds"],
        ["England", "England", "England"],
    ),
    (
        "Germany",
        "Germany",
        "Europe/Berlin",
        1.0,
        "EMEA",
        0.08,
        -0.05,
        "north",
        ["Berlin", "Munich", "Hamburg"],
        ["Berlin", "Bavaria", "Hamburg"],
    ),
    (
        "France",
        "France",
        "Europe/Paris",
        1.0,
        "EMEA",
        0.06,
        -0.10,
        "north",
        ["Paris", "Lyon", "Marseille"],
        ["Ile-de-France", "Auvergne-Rhone-Alpes", "Provence-Alpes-Cote d'Azur"],
    ),
    (
        "India",
        "India",
        "Asia/Kolkata",
        5.5,
        "APAC",
        0.08,
        -0.20,
        "none",
        ["Bengaluru", "Mumbai", "Pune"],
        ["Karnataka", "Maharashtra", "Maharashtra"],
    ),
    (
        "Australia",
        "Australia",
        "Australia/Sydney",
        10.0,
        "APAC",
        0.06,
        0.05,
        "south",
        ["Sydney", "Newcastle", "Wollongong"],
        ["New South Wales"] * 3,
    ),
    (
        "Argentina",
        "Argentina",
        "America/Argentina/Buenos_Aires",
        -3.0,
        "LATAM",
        0.07,
        -1.00,
        "none",
        ["Buenos Aires", "La Plata", "Mar del Plata"],
        ["Buenos Aires"] * 3,
    ),
    (
        "Brazil",
        "Brazil",
        "America/Sao_Paulo",
        -3.0,
        "LATAM",
        0.10,
        -0.90,
        "none",
        ["Sao Paulo", "Campinas", "Santos"],
        ["Sao Paulo"] * 3,
    ),
]

#: Planted license-3 model: logit = intercept + industry + region + size * log10(employees)
#: + engagement_coef * engagement. The intercept is tuned per world to hit the target rate.
LICENSE_3_TARGET_RATE = 0.25
SIZE_COEF = 0.35
ENGAGEMENT_COEF = 0.60

EMPLOYEE_RANGES = ["1-10", "11-50", "51-200", "201-1000", "1001+"]
EMPLOYEE_BOUNDS = [10, 50, 200, 1000]

ACQUISITION = [  # (source, medium, share)
    ("google", "organic", 0.34),
    ("google", "cpc", 0.14),
    ("wordpress.org", "referral", 0.16),
    ("facebook", "social", 0.08),
    ("newsletter", "email", 0.10),
    ("(direct)", "(none)", 0.12),
    ("youtube", "video", 0.03),
    ("partner-blog", "affiliate", 0.03),
]

FREEMAIL = [  # (domain, share among individuals)
    ("gmail.com", 0.45),
    ("yahoo.com", 0.13),
    ("outlook.com", 0.12),
    ("hotmail.com", 0.10),
    ("icloud.com", 0.08),
    ("aol.com", 0.04),
    ("protonmail.com", 0.08),
]

# Plugin name, EDD download id, prices of License 1, 2, 3.
PRODUCTS: list[tuple[str, int, tuple[int, int, int]]] = [
    ("Form Forge", 101, (49, 99, 199)),
    ("Cache Pilot", 102, (39, 79, 159)),
    ("SEO Lantern", 103, (59, 119, 239)),
    ("Event Ledger", 104, (69, 139, 279)),
]

FIRST_NAMES = (
    "Ann Ben Carla David Emma Felix Grace Hugo Iris Jack Kara Liam Mia Noah Olga Paul Quinn Rosa "
    "Sam Tara Umar Vera Will Xena Yuri Zoe Aaron Bella Caleb Dina Eli Fatima Gabe Hana Ivan Jade "
    "Kofi Lena Marco Nina Oscar Pia Rahul Sara Theo Uma Victor Wanda Yara Zane Adele Bruno Chloe "
    "Diego Erin Farid Gina Henry Ines Joel Kim Leo Maria Nils Omar Petra Raj Sofia Tom Ulla Vince "
    "Amir Beth Cyrus Dora Ezra Flora Gus Helen Isaac June Karl Lucy Milo Nora Otto Pearl Ruth"
).split()
LAST_NAMES = (
    "Smith Jones Brown Garcia Miller Davis Lopez Wilson Moore Taylor Thomas Martin Lee Walker "
    "Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts "
    "Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Morris Murphy Cook Rogers "
    "Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Diaz Richardson Wood Watson "
    "Brooks Bennett Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales "
    "Powell Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman "
    "Simmons Patterson Jordan Reynolds Hamilton Graham Kim Gonzales Alexander Ramos Wallace "
    "Schmidt Dubois Silva Costa Patel Sharma Nakamura Kowalski Novak Larsen Fischer Weber Moreau"
).split()

COMPANY_WORDS_A = (
    "bright blue red green silver golden north south east west oak pine maple cedar river lake "
    "stone iron copper swift clear true bold quiet happy lucky prime urban rural summit harbor "
    "coastal valley meadow cloud sun moon star sky ocean forest amber crimson violet ivory "
    "granite willow birch aspen falcon eagle fox wolf bear otter heron lark robin sparrow "
    "alpine arctic azure coral dawn dusk ember frost hazel indigo jade lunar misty noble olive "
    "polar rapid royal rustic sage"
).split()
COMPANY_WORDS_B = (
    "lane path way field point ridge brook gate bridge works forge craft line wave leaf tree "
    "rock hill view port side spring well mill yard stone light fire wind hive nest den peak "
    "bay cove shore wood grove glen dale ford haven crest vale market square house "
    "beam bloom flow frame garden hollow loop mark orchard pillar post road root signal "
    "trail"
).split()
COMPANY_SUFFIXES = [
    "",
    "studio",
    "labs",
    "group",
    "media",
    "works",
    "digital",
    "co",
    "events",
    "consulting",
    "partners",
    "shop",
    "design",
    "solutions",
    "agency",
    "collective",
    "health",
    "travel",
    "learning",
    "finance",
    "homes",
    "makers",
    "retail",
    "advisory",
]
COMPANY_TLDS = ["com", "io", "co", "net", "org", "co.uk", "de", "com.au"]

HELPSCOUT_SUBJECTS = [
    "License key not activating",
    "Refund request",
    "How do I upgrade my license?",
    "Plugin conflict after update",
    "Invoice needed for accounting",
    "Feature request",
    "Cannot download the plugin",
    "Renewal question",
    "Site transfer to a new domain",
    "Error on checkout",
    "Multisite support",
    "Question about License 3",
]
HELPSCOUT_TAGS = [
    ("billing", "#f5a623"),
    ("bug", "#d0021b"),
    ("upgrade", "#7ed321"),
    ("how-to", "#4a90e2"),
    ("refund", "#9013fe"),
    ("vip", "#f8e71c"),
]
DRIP_TAGS = ["customer", "newsletter", "webinar", "trial", "docs-reader", "black-friday"]
DRIP_SUBJECTS = [
    "What's new in Form Forge",
    "Five caching tips",
    "Your SEO checklist",
    "Event season prep",
    "Spring sale: 20% off",
    "Black Friday starts now",
    "Webinar invite",
    "Case study: a retailer",
    "Plugin roadmap",
    "Security release notes",
    "Upgrade to License 3",
    "Holiday support hours",
]
SITE_PATHS = [
    "/",
    "/pricing/",
    "/plugins/form-forge/",
    "/plugins/cache-pilot/",
    "/plugins/seo-lantern/",
    "/plugins/event-ledger/",
    "/docs/",
    "/docs/getting-started/",
    "/blog/",
    "/account/",
    "/checkout/",
    "/support/",
    "/blog/caching-guide/",
    "/blog/event-checklist/",
]

RETAIL_COUNTRIES = [
    ("United Kingdom", 0.88),
    ("Germany", 0.025),
    ("France", 0.025),
    ("EIRE", 0.02),
    ("Spain", 0.01),
    ("Netherlands", 0.01),
    ("Belgium", 0.008),
    ("Switzerland", 0.007),
    ("Portugal", 0.005),
    ("Australia", 0.005),
    ("Norway", 0.005),
]
RETAIL_WORDS_A = (
    "WHITE RED PINK BLUE GREEN IVORY VINTAGE REGENCY JUMBO SMALL LARGE SET OF 3 HEART STAR "
    "PAISLEY SPOTTY WOODEN GLASS ENAMEL CERAMIC"
).split()
RETAIL_WORDS_B = (
    "HANGING T-LIGHT HOLDER,LUNCH BAG,CAKE CASES,TEA CUP AND SAUCER,DOORMAT,ALARM CLOCK,"
    "STORAGE JAR,PHOTO FRAME,BUNTING,CHRISTMAS BAUBLE,WATER BOTTLE,PARTY BAG,PICNIC BASKET,"
    "NAPKINS,GIFT WRAP,WALL SIGN,CANDLE,DOOR STOP,MUG,TRAY"
).split(",")
RETAIL_SPECIAL = [  # StockCode, Description, typical unit price
    ("POST", "POSTAGE", 18.0),
    ("D", "Discount", 10.0),
    ("M", "Manual", 2.5),
    ("BANK CHARGES", "Bank Charges", 15.0),
    ("DOT", "DOTCOM POSTAGE", 120.0),
    ("AMAZONFEE", "AMAZON FEE", 900.0),
]
