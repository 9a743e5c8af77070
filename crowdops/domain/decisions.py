"""Rules of the decision log (JESIP Joint Decision Model): what a decision entry must say, and how an option
considered is written."""

from crowdops.domain.enums import Role
from crowdops.domain.errors import PermissionDeniedError, ValidationError

MAX_TEXT = 2000
MAX_OPTIONS = 20
LINK_KINDS = ("incident", "rumour", "message")


def _clean(text: str | None, what: str, *, required: bool) -> str:
    cleaned = " ".join((text or "").split())
    if required and not cleaned:
        raise ValidationError(f"The {what} is empty: say it in a sentence.")
    if len(cleaned) > MAX_TEXT:
        raise ValidationError(f"The {what} is {len(cleaned)} characters long; keep it under {MAX_TEXT}.")
    return cleaned


def clean_decision(text: str | None) -> str:
    return _clean(text, "decision", required=True)


def clean_rationale(text: str | None) -> str:
    return _clean(text, "rationale", required=True)


def clean_note(text: str | None, what: str) -> str:
    """Optional free text (information relied on, powers and policies)."""
    return _clean(text, what, required=False)


def parse_option(raw: str) -> tuple[str, str]:
    """'Close the square: would trap people' -> (option, why rejected); split at the first ':' or '|'; an option
    without a reason keeps an empty one."""
    cut = min((i for i in (raw.find(":"), raw.find("|")) if i >= 0), default=-1)
    option, why = (raw[:cut], raw[cut + 1 :]) if cut >= 0 else (raw, "")
    return clean_option(option, why)


def clean_option(option: str, why: str = "") -> tuple[str, str]:
    return _clean(option, "option", required=True), _clean(why, "reason the option was rejected", required=False)


def clean_options(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(options) > MAX_OPTIONS:
        raise ValidationError(f"{len(options)} options are too many to read; give at most {MAX_OPTIONS}.")
    return [clean_option(option, why) for option, why in options]


def parse_link(raw: str) -> tuple[str, str]:
    """'incident:ab12' -> ('incident', 'ab12')."""
    kind, sep, ref = raw.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in LINK_KINDS or not ref.strip():
        raise ValidationError(f"'{raw}' is not a link: write KIND:ID with KIND one of {', '.join(LINK_KINDS)}.")
    return kind, ref.strip()


def require_can_decide(role: Role, exercise: bool, user: str) -> None:
    """Commanders record decisions; in an exercise, trainers too (they play the commander)."""
    if role is Role.COMMANDER or (role is Role.TRAINER and exercise):
        return
    who = "a commander or a trainer" if exercise else "a commander"
    raise PermissionDeniedError(f"{user} is {role.noun_phrase}; only {who} may record decisions here.")
