"""Incident categories: a stable slug (CLI, imports, database) and a label (GUI), offered per operation kind."""

from dataclasses import dataclass

from crowdops.domain.enums import OperationKind
from crowdops.domain.errors import ValidationError

_ALL = frozenset(OperationKind)
_P, _E, _M = OperationKind.PROTEST, OperationKind.EVENT, OperationKind.MIGRATION


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    label: str
    kinds: frozenset[OperationKind]


MAJOR_INCIDENT = "major-incident"

CATEGORIES: tuple[Category, ...] = (
    Category("crowd-density", "Crowd density", _ALL),
    Category("disorder", "Disorder", frozenset({_P, _E})),
    Category("medical", "Medical", _ALL),
    Category("missing-person", "Missing person", _ALL),
    Category("lost-child", "Lost child", frozenset({_E, _M})),
    Category("road-closure", "Road closure", _ALL),
    Category("route-change", "Route change", frozenset({_P, _M})),
    Category("counter-protest", "Counter-protest", frozenset({_P})),
    Category("property-damage", "Property damage", frozenset({_P, _E})),
    Category("arrest", "Arrest", frozenset({_P, _E})),
    Category("entry-gate", "Entry / gate", frozenset({_E})),
    Category("transport", "Public transport", _ALL),
    Category("weather", "Weather", _ALL),
    Category("infrastructure", "Infrastructure", _ALL),
    Category("fire", "Fire", _ALL),
    Category("suspicious-item", "Suspicious item", frozenset({_P, _E})),
    Category("arrivals", "Arrivals", frozenset({_M})),
    Category("shelter", "Shelter", frozenset({_M})),
    Category("water-food", "Water and food", frozenset({_M})),
    Category("border-crossing", "Border crossing", frozenset({_M})),
    Category("unaccompanied-minor", "Unaccompanied minor", frozenset({_M})),
    Category("misinformation", "Misinformation", _ALL),
    Category(MAJOR_INCIDENT, "Major incident (METHANE)", _ALL),
    Category("other", "Other", _ALL),
)

_BY_SLUG = {c.slug: c for c in CATEGORIES}


def categories_for(kind: OperationKind) -> tuple[Category, ...]:
    return tuple(c for c in CATEGORIES if kind in c.kinds)


def category_label(slug: str) -> str:
    """The label for a slug; an unknown slug (from a newer version) is shown as it is."""
    category = _BY_SLUG.get(slug)
    return category.label if category else slug


def resolve_category(value: str, kind: OperationKind) -> Category:
    """Accept a slug (or its label, case-insensitively) that the operation's kind offers."""
    wanted = value.strip().lower()
    for category in categories_for(kind):
        if wanted in (category.slug, category.label.lower()):
            return category
    allowed = ", ".join(c.slug for c in categories_for(kind))
    if wanted in _BY_SLUG:
        raise ValidationError(
            f"Category '{value}' is not used in {kind.label.lower()} operations: use one of {allowed}."
        )
    raise ValidationError(f"Unknown category '{value}': use one of {allowed}.")
