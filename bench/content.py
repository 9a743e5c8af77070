"""Scripted text for the benchmark's protest operation: varied enough that FTS sees a realistic vocabulary, with a
few words of known frequency for the search queries (see `run.SEARCHES`)."""

PLACES = (
    "Syntagma Square",
    "Panepistimiou Street",
    "Omonia Square",
    "Propylaia",
    "Amalias Avenue",
    "Stadiou Street",
    "Kolonaki",
    "Parliament steps",
    "Monastiraki",
    "Ermou Street",
    "Akadimias Street",
    "Vasilissis Sofias Avenue",
    "Exarchia",
    "Kaningos Square",
    "Metaxourgeio",
    "Thiseio",
    "Plaka",
    "Pedion tou Areos",
    "Ομόνοια",
    "Σύνταγμα",
    "Πανεπιστημίου",
)

# (weight, (min severity, max severity), description templates)
SCRIPT: dict[str, tuple[int, tuple[int, int], tuple[str, ...]]] = {
    "crowd-density": (
        16,
        (2, 4),
        (
            "Crowd density rising at {place}, about {n} people.",
            "March head reached {place}; roughly {n} participants.",
            "Bottleneck forming at {place}; stewards asked to slow the march.",
            "Crowd thinning out at {place}, estimated {n} remaining.",
            "Sit-in of about {n} people blocking {place}.",
        ),
    ),
    "disorder": (
        9,
        (3, 4),
        (
            "Small group throwing bottles at {place}; units holding the line.",
            "Scuffle between participants at {place}, separated by stewards.",
            "Flares lit at {place}; no injuries reported.",
            "Masked group of about {n} breaking away towards {place}.",
            "Stones thrown at riot police at {place}; tear gas used.",
        ),
    ),
    "medical": (
        10,
        (2, 4),
        (
            "Person collapsed near {place}, paramedics on scene.",
            "Heat exhaustion, two people treated at the first-aid post at {place}.",
            "Cyclist injured in a fall at {place}; ambulance requested.",
            "Minor injuries reported at {place}; first aiders attending.",
            "Officer hurt by a thrown object at {place}; taken to hospital.",
        ),
    ),
    "missing-person": (
        4,
        (3, 4),
        (
            "Elderly man reported missing near {place}; description passed to all units.",
            "Woman separated from her group at {place}; meeting point advised.",
            "Teenager last seen at {place} wearing a red jacket.",
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
    "route-change": (
        3,
        (2, 3),
        ("Organisers divert the march via {place}.", "March route shortened; ends at {place}."),
    ),
    "counter-protest": (
        4,
        (3, 4),
        (
            "Counter-protest of about {n} people gathering at {place}.",
            "Counter-protesters dispersed at {place}.",
            "Chants exchanged between both groups at {place}; police cordon in place.",
        ),
    ),
    "property-damage": (
        3,
        (2, 3),
        (
            "Shop window broken at {place}.",
            "Graffiti on public building at {place}.",
            "Bus shelter smashed at {place}.",
            "Car set alight at {place}; fire service called.",
        ),
    ),
    "arrest": (
        3,
        (2, 3),
        ("One person detained at {place} for assault.", "Two arrests at {place}.", "{n} people kettled at {place}."),
    ),
    "transport": (
        5,
        (1, 3),
        (
            "Metro station at {place} closed on operator's decision.",
            "Extra trains running from {place}.",
            "Buses suspended at {place} for crowd safety.",
            "Trolley line through {place} interrupted.",
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
            "Loudspeaker system at {place} failing.",
        ),
    ),
    "fire": (
        2,
        (2, 4),
        ("Rubbish bins on fire at {place}.", "Smoke seen rising near {place}; fire service en route."),
    ),
    "suspicious-item": (
        1,
        (3, 5),
        ("Unattended bag at {place}; area cordoned off.", "Suspicious package reported at {place}; EOD requested."),
    ),
    "misinformation": (
        3,
        (2, 3),
        (
            "Rumour on social media that {place} is closed; it is open.",
            "Post claims a stampede at {place}; units on scene report calm.",
            "Fake video of clashes at {place} circulating; press office informed.",
        ),
    ),
    "other": (
        2,
        (1, 2),
        ("Press photographers asking for access at {place}.", "Lost property handed in at {place}."),
    ),
}

# Optional second sentence; one in three entries gets one. "tractor" and "Zeppelin" are deliberately rare.
DETAILS: tuple[tuple[float, str], ...] = (
    (30.0, "Unit {unit} attending."),
    (20.0, "Reported by a steward."),
    (15.0, "CCTV operator confirms."),
    (12.0, "Caller gave a phone number; callback done."),
    (10.0, "Drone footage requested."),
    (8.0, "Press are filming."),
    (5.0, "Interpreter needed (Arabic)."),
    (3.0, "Dog unit on standby."),
    (0.02, "An abandoned tractor is blocking the way."),
    (0.004, "A Zeppelin-shaped balloon drifting overhead."),
)

UNITS = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Kilo", "Lima", "Sierra", "Tango")

CORRECTION_REASONS = (
    "Confirmed on scene",
    "Wrong location given by caller",
    "Severity reassessed",
    "Numbers updated by drone",
    "Typo",
)

CORRECTION_SUFFIXES = (
    " Update: situation confirmed by a second unit.",
    " Update: numbers revised after drone pass.",
    " Update: resolved, units stood down.",
    " Update: escalated to command.",
)

CROWD_SIZES = (40, 120, 300, 800, 2500, 6000)

SOURCES = ("officer",) * 6 + ("organiser", "public", "social-media", "partner-agency")
