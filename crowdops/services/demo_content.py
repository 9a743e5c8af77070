"""Scripted, realistic content for the demo database: three live operations (one of each kind) and an
exercise. Plain data; `demo.py` turns it into records."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoOperation:
    name: str
    kind: str
    timezone: str
    area: str
    exercise: bool
    places: tuple[str, ...]
    # category slug -> (weight, (min severity, max severity), description templates)
    script: dict[str, tuple[int, tuple[int, int], tuple[str, ...]]]
    peak_hours: tuple[int, int]  # local hours of the busiest part of the day
    count: int


DEMO_PASSPHRASE = "demo"

DEMO_USERS = (
    ("Papadaki", "commander"),
    ("Nikolaidis", "commander"),
    ("Weber", "comms"),
    ("Haddad", "comms"),
    ("Okafor", "trainer"),
    ("Lindqvist", "observer"),
)
DEMO_LOGGERS = ("Papadaki", "Nikolaidis", "Weber", "Haddad")

_COMMON = {
    "medical": (
        10,
        (2, 4),
        (
            "Person collapsed near {place}, paramedics on scene.",
            "Heat exhaustion, two people treated at the first-aid post at {place}.",
            "Cyclist injured in a fall at {place}; ambulance requested.",
            "Minor injuries reported at {place}; first aiders attending.",
        ),
    ),
    "missing-person": (
        4,
        (3, 4),
        (
            "Elderly man reported missing near {place}; description passed to all units.",
            "Woman separated from her group at {place}; meeting point advised.",
        ),
    ),
    "road-closure": (
        7,
        (1, 3),
        (
            "{place} closed to traffic until further notice.",
            "Road at {place} reopened in both directions.",
            "Diversion in place around {place}; buses rerouted.",
        ),
    ),
    "weather": (
        3,
        (1, 3),
        (
            "Heavy rain expected within the hour; shelters at {place} opened.",
            "Wind gusts rising; temporary structures at {place} checked.",
            "Temperature above 34 °C; water points announced at {place}.",
        ),
    ),
    "infrastructure": (
        3,
        (1, 3),
        (
            "Street lighting out at {place}.",
            "Mobile network congested around {place}; radio only.",
            "Barrier line at {place} damaged; replacement requested.",
        ),
    ),
    "transport": (
        5,
        (1, 3),
        (
            "Metro station at {place} closed on operator's decision.",
            "Extra trains running from {place}.",
            "Buses suspended at {place} for crowd safety.",
        ),
    ),
    "misinformation": (
        3,
        (2, 3),
        (
            "Rumour on social media that {place} is closed; it is open.",
            "Post claims a stampede at {place}; units on scene report calm.",
        ),
    ),
}

PROTEST = DemoOperation(
    name="Athens March",
    kind="protest",
    timezone="Europe/Athens",
    area="Syntagma Square – Panepistimiou – Omonia",
    exercise=False,
    places=(
        "Syntagma Square",
        "Panepistimiou Street",
        "Omonia Square",
        "Propylaia",
        "Amalias Avenue",
        "Stadiou Street",
        "Kolonaki",
        "Parliament steps",
    ),
    script={
        **_COMMON,
        "crowd-density": (
            14,
            (2, 4),
            (
                "Crowd density rising at {place}, about {n} people.",
                "March head reached {place}; roughly {n} participants.",
                "Bottleneck forming at {place}; stewards asked to slow the march.",
            ),
        ),
        "disorder": (
            8,
            (3, 4),
            (
                "Small group throwing bottles at {place}; units holding the line.",
                "Scuffle between participants at {place}, separated by stewards.",
                "Flares lit at {place}; no injuries reported.",
            ),
        ),
        "counter-protest": (
            4,
            (3, 4),
            (
                "Counter-protest of about {n} people gathering at {place}.",
                "Counter-protesters dispersed at {place}.",
            ),
        ),
        "route-change": (
            3,
            (2, 3),
            ("Organisers divert the march via {place}.", "March route shortened; ends at {place}."),
        ),
        "property-damage": (
            3,
            (2, 3),
            ("Shop window broken at {place}.", "Graffiti on public building at {place}."),
        ),
        "arrest": (3, (2, 3), ("One person detained at {place} for assault.", "Two arrests at {place}.")),
    },
    peak_hours=(11, 17),
    count=320,
)

EVENT = DemoOperation(
    name="Cup Final Berlin",
    kind="event",
    timezone="Europe/Berlin",
    area="Olympiastadion, Olympischer Platz, Maifeld fan zone",
    exercise=False,
    places=(
        "Gate A",
        "Gate C",
        "Olympischer Platz",
        "S-Bahn Olympiastadion",
        "U-Bahn Olympia-Stadion",
        "Maifeld fan zone",
        "Coubertinplatz",
        "Trakehner Allee",
    ),
    script={
        **_COMMON,
        "crowd-density": (
            14,
            (2, 4),
            (
                "Queue at {place} about {n} people; extra stewards sent.",
                "Fan zone at {place} near capacity ({n}).",
                "Egress surge at {place}; platform access metered.",
            ),
        ),
        "entry-gate": (
            8,
            (1, 3),
            ("Ticket scanners down at {place}; manual checks.", "{place} opened early to ease queues."),
        ),
        "lost-child": (
            4,
            (3, 4),
            (
                "Child (about 7) found alone at {place}; taken to the family point.",
                "Parent reports a missing girl near {place}.",
            ),
        ),
        "disorder": (
            5,
            (2, 4),
            ("Rival fans clash at {place}; separated.", "Pyrotechnics thrown near {place}."),
        ),
        "suspicious-item": (
            2,
            (3, 4),
            ("Unattended bag at {place}; area cordoned.", "Suspicious item at {place} cleared as safe."),
        ),
    },
    peak_hours=(17, 23),
    count=300,
)

MIGRATION = DemoOperation(
    name="Nickelsdorf reception",
    kind="migration",
    timezone="Europe/Vienna",
    area="Border crossing Nickelsdorf/Hegyeshalom, reception centre, B10",
    exercise=False,
    places=(
        "border crossing",
        "reception tent 2",
        "B10 near the service area",
        "railway station",
        "bus loading zone",
        "medical post",
        "family area",
        "registration desk",
    ),
    script={
        **_COMMON,
        "arrivals": (
            14,
            (1, 3),
            (
                "About {n} people arrived at {place}.",
                "Group of {n} walking along the B10 towards the {place}.",
                "Buses with {n} people left from the {place}.",
            ),
        ),
        "shelter": (
            6,
            (2, 3),
            (
                "Tent capacity at {place} reached; overflow opened.",
                "Heaters needed at {place} for the night.",
            ),
        ),
        "water-food": (
            6,
            (1, 3),
            ("Water running low at {place}; delivery requested.", "Hot meals distributed at {place}."),
        ),
        "crowd-density": (
            6,
            (2, 4),
            (
                "Crowding at the {place}; queue managed by volunteers.",
                "Pressure at {place} barrier; calm restored.",
            ),
        ),
        "unaccompanied-minor": (
            4,
            (3, 4),
            (
                "Unaccompanied minor (about 15) registered at {place}; youth services informed.",
                "Two children without guardians at {place}.",
            ),
        ),
        "border-crossing": (
            5,
            (2, 3),
            (
                "Crossing at {place} paused for 20 minutes.",
                "Neighbouring police report {n} people approaching.",
            ),
        ),
    },
    peak_hours=(6, 14),
    count=280,
)

EXERCISE = DemoOperation(
    name="Exercise Stadium Evacuation",
    kind="event",
    timezone="Europe/Berlin",
    area="Training ground",
    exercise=True,
    places=("North stand", "Gate A", "Car park P3", "Fan zone"),
    script={
        "crowd-density": (5, (2, 4), ("[EXERCISE] Inject: crowd building at {place}, {n} people.",)),
        "suspicious-item": (2, (3, 4), ("[EXERCISE] Inject: unattended bag at {place}.",)),
        "medical": (3, (2, 3), ("[EXERCISE] Inject: casualty simulated at {place}.",)),
    },
    peak_hours=(9, 12),
    count=40,
)

DEMO_OPERATIONS = (PROTEST, EVENT, MIGRATION, EXERCISE)
