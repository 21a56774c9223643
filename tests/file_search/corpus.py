"""A small labelled retrieval set: 20 documents of mixed formats and 50 questions.

Each question names the document that answers it. About half are paraphrases that share
few or no content words with their document ("get my money back" for a refund policy):
full-text search should find the literal ones; vectors should also find the paraphrases.
With `FakeOpenAI`'s embeddings, "vectors" means its documented concept lexicon, not a real
model, so the vector figures check the pipeline, not semantic quality.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.file_search.documents import docx_bytes, pdf_bytes, pptx_bytes


@dataclass(frozen=True)
class Question:
    text: str
    answer: str  # the filename of the document that answers it
    paraphrase: bool = False


_REFUNDS = """# Returns and refunds

Items bought in our stores or online can be returned within 30 days of purchase for a full
refund to the original payment method. Keep the receipt: without it we can only offer
store credit. Opened software, gift cards and personalised items cannot be returned.
Refunds are processed within 5 business days once the returned item reaches our warehouse.
"""

_SHIPPING = """<html><head><title>Shipping</title><script>var tracking = "ignore me";</script>
</head><body><h1>Delivery options</h1>
<p>Standard shipping takes 3 to 5 business days and is free on orders over 50 euros.</p>
<p>Express delivery arrives the next working day when ordered before 2 pm.</p>
<p>International parcels are sent with a tracked courier and take 7 to 14 days;
customs duties are paid by the recipient.</p></body></html>"""

_TROUBLESHOOTING = """Troubleshooting the sync client

"Connection refused" means the sync daemon is not running: start it with `syncd start`.
A timeout after 30 seconds usually comes from a proxy; set HTTPS_PROXY before starting.
If the client crashes on launch, delete the cache folder ~/.sync/cache and try again.
Error code E42 means the disk is full: free some space or move the sync folder.
"""

_INSTALL = """# Installing the command line tool

The tool needs Python 3.11 or newer. Install it with `pip install synctool`, then run
`synctool init` to create the configuration file at ~/.config/synctool/config.toml.
On Windows, use the MSI installer from the downloads page instead of pip.
To upgrade, run `pip install --upgrade synctool`; your configuration is kept.
"""

_CONFIG = {
    "service": "payments-gateway",
    "regions": ["eu-west", "us-east"],
    "http": {"timeout_seconds": 20, "max_retries": 3, "retry_backoff": "exponential"},
    "rate_limit": {"requests_per_minute": 600, "burst": 50},
    "features": {"three_d_secure": True, "currency_conversion": False},
    "owner": "payments team",
}

_CACHE_CODE = '''"""A least-recently-used cache whose entries expire after a time to live."""

import time
from collections import OrderedDict


class TTLCache:
    """Keeps at most `capacity` entries; an entry older than `ttl` seconds is evicted."""

    def __init__(self, capacity: int = 1024, ttl: float = 300.0) -> None:
        self.capacity = capacity
        self.ttl = ttl
        self._entries = OrderedDict()

    def get(self, key):
        value, stored_at = self._entries.pop(key)
        if time.monotonic() - stored_at > self.ttl:
            raise KeyError(key)  # expired entries are dropped on read
        self._entries[key] = (value, stored_at)
        return value
'''

_GARDEN = """Growing tomatoes

Tomatoes need at least six hours of direct sun a day and rich, well-drained soil.
Water deeply twice a week rather than a little every day, and water the soil, not the
leaves, to avoid blight. Pinch out the side shoots of cordon varieties. Feed with a
potash-rich fertiliser once the first fruits set.
"""

_PUPPY = """# Caring for a new puppy

Puppies get their first vaccinations at 8 weeks and a second round at 12 weeks; keep them
away from unknown dogs until a week after the second dose. Feed small meals four times a
day until 4 months, then three times a day. Start house training on the first day with a
regular routine and lots of praise.
"""

_WEATHER = {
    "station": "Hilltop observatory",
    "elevation_m": 1240,
    "sensors": {"temperature": "celsius", "rain_gauge": "mm per hour", "anemometer": "km/h"},
    "last_reading": {"temperature": -3.5, "wind": 41, "snow_depth_cm": 22},
    "alerts": ["storm warning until Friday"],
}

_LEASE = """Apartment lease agreement (summary)

The tenant pays a deposit of two months' rent, returned within 30 days after moving out,
less the cost of any damage. Either party may end the lease with two months' written
notice. Pets are allowed with the landlord's written consent. The landlord repairs the
heating and plumbing; the tenant replaces light bulbs and keeps the garden tidy.
"""

_CAFETERIA = """<html><body><h2>Staff cafeteria</h2>
<p>The cafeteria on the ground floor serves breakfast from 7:30 to 10:00 and lunch from
11:45 to 14:00, Monday to Friday. It is closed at weekends.</p>
<ul><li>A vegetarian and a vegan dish every day</li><li>Soup of the day: 2.50 euros</li>
<li>Free coffee and tea all day</li></ul></body></html>"""

_SORT_CODE = """// Quicksort: sorts an array in place, average O(n log n) comparisons.
export function quicksort(values, low = 0, high = values.length - 1) {
  if (low >= high) return values;
  const pivot = values[Math.floor((low + high) / 2)];
  let left = low, right = high;
  while (left <= right) {
    while (values[left] < pivot) left++;
    while (values[right] > pivot) right--;
    if (left <= right) {
      [values[left], values[right]] = [values[right], values[left]];
      left++; right--;
    }
  }
  quicksort(values, low, right);
  return quicksort(values, left, high);
}
"""


def documents() -> dict[str, bytes]:
    """The 20 documents, by filename."""
    return {
        "refund_policy.md": _REFUNDS.encode(),
        "shipping.html": _SHIPPING.encode(),
        "troubleshooting.txt": _TROUBLESHOOTING.encode(),
        "install_guide.md": _INSTALL.encode(),
        "gateway_config.json": json.dumps(_CONFIG, indent=2).encode(),
        "ttl_cache.py": _CACHE_CODE.encode(),
        "tomatoes.txt": _GARDEN.encode(),
        "puppy_care.md": _PUPPY.encode(),
        "weather_station.json": json.dumps(_WEATHER).encode(),
        "lease_summary.txt": _LEASE.encode(),
        "cafeteria.html": _CAFETERIA.encode(),
        "quicksort.js": _SORT_CODE.encode(),
        "vacation_policy.docx": docx_bytes(
            [
                "Annual leave policy",
                "Every full-time employee has 25 days of paid annual leave per year.",
                "Up to 5 unused days may be carried over into the first quarter of next year.",
                "Request leave at least two weeks in advance through the HR portal; your "
                "manager approves it.",
            ],
            [["Years of service", "Extra days"], ["5", "2"], ["10", "5"]],
        ),
        "security_policy.docx": docx_bytes(
            [
                "Password and sign-in rules",
                "Passwords must be at least 14 characters long and must not reuse any of the "
                "last 10 passwords.",
                "Multi-factor authentication is mandatory for email and for the VPN.",
                "Report a lost laptop or phone to the security desk within one hour.",
            ]
        ),
        "recipe_banana_bread.docx": docx_bytes(
            [
                "Banana bread",
                "Mash three ripe bananas with 75 g of melted butter.",
                "Stir in 150 g of sugar, one egg, a teaspoon of baking soda and 190 g of flour.",
                "Bake in a loaf tin at 175 degrees for about 60 minutes, until a skewer comes "
                "out clean.",
            ]
        ),
        "salary_review.pdf": pdf_bytes(
            [
                [
                    "Annual salary review",
                    "Salaries are reviewed every March; increases take effect on 1 April.",
                    "The budget for merit increases this year is 3.5 percent of payroll.",
                    "Bonuses are paid in June and depend on company and individual results.",
                ]
            ]
        ),
        "backup_procedure.pdf": pdf_bytes(
            [
                [
                    "Backup procedure for the file servers",
                    "A snapshot of every volume is taken nightly at 01:00.",
                    "Snapshots are retained for 30 days, monthly copies for one year.",
                ],
                [
                    "Restoring files",
                    "To restore a deleted file, open a ticket with the path and the date;",
                    "the operations team restores it from the latest snapshot within a day.",
                ],
            ]
        ),
        "mars_facts.pdf": pdf_bytes(
            [
                [
                    "Mars at a glance",
                    "Mars takes 687 Earth days to orbit the Sun.",
                    "Olympus Mons, a volcano three times the height of Everest, is the tallest",
                    "mountain in the solar system. Mars has two small moons, Phobos and Deimos.",
                ]
            ]
        ),
        "onboarding.pptx": pptx_bytes(
            [
                ("Welcome to the team", "Your first week: laptop, badge and a buddy."),
                ("Day one", "Collect your badge at reception and your laptop from IT."),
                ("Your buddy", "A buddy from your team answers questions for the first month."),
            ],
            notes="New hires meet the CEO at the Friday breakfast.",
        ),
        "travel_policy.pptx": pptx_bytes(
            [
                ("Business travel", "Book all trips through the travel portal."),
                ("Flights", "Economy class for flights under six hours; business class above."),
                (
                    "Hotels",
                    "Hotel rooms up to 180 euros a night; the daily meal allowance is 45 euros.",
                ),
            ]
        ),
    }


QUESTIONS: list[Question] = [
    Question("How many days do I have to return an item for a refund?", "refund_policy.md"),
    Question("Can I get a refund without a receipt?", "refund_policy.md"),
    Question("How do I get my money back for something I purchased?", "refund_policy.md", True),
    Question("How long does standard shipping take?", "shipping.html"),
    Question("Who pays customs duties on international parcels?", "shipping.html"),
    Question("How quickly will my package be delivered?", "shipping.html", True),
    Question("What does connection refused mean for the sync daemon?", "troubleshooting.txt"),
    Question("What is error code E42?", "troubleshooting.txt"),
    Question(
        "The app is broken and keeps failing when it boots, how do I repair it?",
        "troubleshooting.txt",
        True,
    ),
    Question("Which Python version does the command line tool need?", "install_guide.md"),
    Question("Where is the synctool configuration file created?", "install_guide.md"),
    Question("How do I set up the program on my computer?", "install_guide.md", True),
    Question("What is the rate limit of the payments gateway?", "gateway_config.json"),
    Question("How many retries does the payments gateway make?", "gateway_config.json"),
    Question("Which regions host the payment service?", "gateway_config.json"),
    Question("How does the TTL cache evict expired entries?", "ttl_cache.py"),
    Question("What is the default capacity of TTLCache?", "ttl_cache.py"),
    Question("How much sun do tomatoes need?", "tomatoes.txt"),
    Question("How often should I water tomato plants?", "tomatoes.txt"),
    Question(
        "How should I look after the vegetables I grow in my garden soil?", "tomatoes.txt", True
    ),
    Question("When does a puppy get its vaccinations?", "puppy_care.md"),
    Question("How many meals a day should a young dog eat?", "puppy_care.md", True),
    Question("What is the elevation of the hilltop observatory?", "weather_station.json"),
    Question("Is there a storm warning at the weather station?", "weather_station.json"),
    Question("How much snow is on the ground at the station?", "weather_station.json"),
    Question("How big is the deposit for the apartment lease?", "lease_summary.txt"),
    Question("How much notice do I need to give to end my tenancy?", "lease_summary.txt", True),
    Question("Can I keep a cat in the flat I rent?", "lease_summary.txt", True),
    Question("When is lunch served in the cafeteria?", "cafeteria.html"),
    Question("Is the cafeteria open at weekends?", "cafeteria.html"),
    Question("Where can staff eat a vegetarian meal at midday?", "cafeteria.html", True),
    Question("How does the quicksort function choose its pivot?", "quicksort.js"),
    Question("Which function orders an array of numbers?", "quicksort.js", True),
    Question("How many days of paid annual leave does an employee get?", "vacation_policy.docx"),
    Question("Can unused leave days be carried over?", "vacation_policy.docx"),
    Question("How much time off can I take for a holiday each year?", "vacation_policy.docx", True),
    Question("How long must a password be?", "security_policy.docx"),
    Question("Is multi-factor authentication mandatory for the VPN?", "security_policy.docx"),
    Question("What are the credential requirements to log in?", "security_policy.docx", True),
    Question("At what temperature do I bake banana bread?", "recipe_banana_bread.docx"),
    Question("How long should the loaf stay in the oven?", "recipe_banana_bread.docx", True),
    Question("When are salaries reviewed?", "salary_review.pdf"),
    Question("What is the merit increase budget?", "salary_review.pdf"),
    Question("When will I get a pay rise?", "salary_review.pdf", True),
    Question("How long are snapshots retained?", "backup_procedure.pdf"),
    Question("How do I recover a file I erased by mistake?", "backup_procedure.pdf", True),
    Question("How many days does Mars take to orbit the Sun?", "mars_facts.pdf"),
    Question("What is the tallest peak on the red planet?", "mars_facts.pdf", True),
    Question("Where do new hires collect their badge?", "onboarding.pptx"),
    Question(
        "What happens in the first week for someone who just joined as staff?",
        "onboarding.pptx",
        True,
    ),
    Question("Can I fly business class on a long flight?", "travel_policy.pptx"),
    Question(
        "How much can I spend on accommodation when I travel for work?", "travel_policy.pptx", True
    ),
]
