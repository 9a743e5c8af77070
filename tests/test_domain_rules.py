"""Pure domain rules: categories per kind, severity, descriptions, passphrases, METHANE, search escaping, roles."""

import re
import sqlite3
from collections.abc import Iterator

import pytest

from crowdops.domain.categories import (
    CATEGORIES,
    MAJOR_INCIDENT,
    categories_for,
    category_label,
    resolve_category,
)
from crowdops.domain.enums import OperationKind, Phase, Role, Source, parse_enum
from crowdops.domain.errors import PermissionDeniedError, ValidationError
from crowdops.domain.incidents import (
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MethaneReport,
    check_coordinates,
    check_severity,
    clean_description,
    clean_location,
)
from crowdops.domain.passphrases import hash_passphrase, verify_passphrase
from crowdops.domain.permissions import (
    require_can_log_incident,
    require_can_manage_operation,
    require_can_manage_users,
)
from crowdops.domain.search import fold, fts_query

P, E, M = OperationKind.PROTEST, OperationKind.EVENT, OperationKind.MIGRATION

# -- categories ---------------------------------------------------------------------------------------------


def test_slugs_are_unique_and_every_kind_has_the_common_ones() -> None:
    slugs = [c.slug for c in CATEGORIES]
    assert len(slugs) == len(set(slugs))
    for kind in OperationKind:
        offered = {c.slug for c in categories_for(kind)}
        assert {"medical", "crowd-density", MAJOR_INCIDENT, "other"} <= offered


@pytest.mark.parametrize(
    ("slug", "kinds"),
    [
        ("arrivals", {M}),
        ("border-crossing", {M}),
        ("counter-protest", {P}),
        ("entry-gate", {E}),
        ("lost-child", {E, M}),
        ("disorder", {P, E}),
        ("medical", {P, E, M}),
    ],
)
def test_categories_are_offered_per_kind(slug: str, kinds: set[OperationKind]) -> None:
    for kind in OperationKind:
        if kind in kinds:
            assert resolve_category(slug, kind).slug == slug
        else:
            with pytest.raises(ValidationError) as refused:
                resolve_category(slug, kind)
            message = str(refused.value)
            assert f"'{slug}' is not used in {kind.label.lower()} operations" in message
            for allowed in categories_for(kind):
                assert allowed.slug in message


def test_arrivals_refused_for_a_protest_lists_the_protest_slugs_only() -> None:
    with pytest.raises(ValidationError) as refused:
        resolve_category("arrivals", P)
    listed = str(refused.value).split("use one of ", 1)[1].rstrip(".").split(", ")
    assert listed == [c.slug for c in categories_for(P)]
    assert "arrivals" not in listed


@pytest.mark.parametrize("value", ["Crowd density", "CROWD DENSITY", "crowd density", "  Crowd-Density ", "MEDICAL"])
def test_slugs_and_labels_are_accepted_case_insensitively(value: str) -> None:
    assert resolve_category(value, P).slug in ("crowd-density", "medical")


def test_label_with_punctuation_resolves() -> None:
    assert resolve_category("major incident (methane)", E).slug == MAJOR_INCIDENT
    assert resolve_category("Entry / gate", E).slug == "entry-gate"


@pytest.mark.parametrize("value", ["riot", "", "   ", "medical; DROP TABLE incidents"])
def test_unknown_category_lists_allowed_slugs(value: str) -> None:
    with pytest.raises(ValidationError, match=r"Unknown category .*use one of crowd-density, "):
        resolve_category(value, M)


def test_category_label_shows_unknown_slugs_as_they_are() -> None:
    assert category_label("medical") == "Medical"
    assert category_label("from-a-newer-version") == "from-a-newer-version"


def test_parse_enum_lists_allowed_values() -> None:
    assert parse_enum(Role, " Commander ", "role") is Role.COMMANDER
    assert parse_enum(Source, "SOCIAL-MEDIA", "source") is Source.SOCIAL_MEDIA
    with pytest.raises(ValidationError, match=r"Unknown phase 'later': use one of before, during, after\."):
        parse_enum(Phase, "later", "phase")


# -- severity, description, location, coordinates -----------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (5, 5), ("3", 3), (" 4 ", 4), ("+2", 2)])
def test_severity_in_range(value: int | str, expected: int) -> None:
    assert check_severity(value) == expected


@pytest.mark.parametrize("value", [0, 6, -1, "0", "6", "99"])
def test_severity_out_of_range(value: int | str) -> None:
    with pytest.raises(ValidationError, match=r"out of range: use 1 \(minimal\) to 5 \(critical\)"):
        check_severity(value)


@pytest.mark.parametrize("value", ["abc", "", "3.5", "2.0", "three", "1e0", "None"])
def test_severity_not_a_number(value: str) -> None:
    with pytest.raises(ValidationError, match=r"is not a number"):
        check_severity(value)


def test_description_is_stripped() -> None:
    assert clean_description("  crowd at gate 3 \n") == "crowd at gate 3"


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None])
def test_empty_description_refused(text: str | None) -> None:
    with pytest.raises(ValidationError, match=r"The description is empty"):
        clean_description(text)


@pytest.mark.parametrize("text", ["\x00", "before\x00after"])
def test_nul_in_description_refused(text: str) -> None:
    with pytest.raises(ValidationError, match=r"NUL"):
        clean_description(text)


def test_description_length_limit() -> None:
    assert clean_description("x" * MAX_DESCRIPTION) == "x" * MAX_DESCRIPTION
    with pytest.raises(ValidationError, match=rf"{MAX_DESCRIPTION + 1} characters long; the limit is"):
        clean_description("x" * (MAX_DESCRIPTION + 1))


def test_location_limit_and_empty_location() -> None:
    assert clean_location(None) == ""
    assert clean_location("  Syntagma ") == "Syntagma"
    with pytest.raises(ValidationError, match=r"location"):
        clean_location("x" * (MAX_LOCATION + 1))


def test_coordinates() -> None:
    assert check_coordinates(None, None) == (None, None)
    assert check_coordinates(37.97, 23.73) == (37.97, 23.73)
    assert check_coordinates(-90.0, 180.0) == (-90.0, 180.0)
    with pytest.raises(ValidationError, match=r"both latitude and longitude"):
        check_coordinates(37.9, None)
    with pytest.raises(ValidationError, match=r"Latitude 91.0"):
        check_coordinates(91.0, 0.0)
    with pytest.raises(ValidationError, match=r"Longitude -181.0"):
        check_coordinates(0.0, -181.0)


# -- passphrases --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_passphrase("correct horse")


def test_passphrase_verifies_and_is_not_stored_in_clear(stored: str) -> None:
    assert verify_passphrase("correct horse", stored)
    assert "correct horse" not in stored
    assert stored.startswith("scrypt$")
    assert stored != hash_passphrase("correct horse")  # salted


@pytest.mark.parametrize("wrong", ["correct horsE", "correct horse ", "", "correct"])
def test_wrong_passphrase_is_refused(stored: str, wrong: str) -> None:
    assert verify_passphrase(wrong, stored) is False


def test_unicode_passphrase() -> None:
    hashed = hash_passphrase("κωδικός-σύνθημα")
    assert verify_passphrase("κωδικός-σύνθημα", hashed)
    assert not verify_passphrase("κωδικος-συνθημα", hashed)


def _tampered(stored: str) -> Iterator[str]:
    prefix, n, r, p, salt, digest = stored.split("$")
    flipped = ("B" if digest[0] == "A" else "A") + digest[1:]
    yield "$".join([prefix, n, r, p, salt, flipped])  # another digest
    yield "$".join([prefix, n, r, p, ("B" if salt[0] == "A" else "A") + salt[1:], digest])  # another salt
    yield "$".join([prefix, n, r, p, salt, ""])  # no digest at all
    yield "$".join([prefix, n, r, p, salt, "!!!not-base64"])
    yield "$".join([prefix, "1", r, p, salt, digest])  # N must be a power of two > 1
    yield "$".join([prefix, str(2**30), r, p, salt, digest])  # more memory than allowed
    yield "$".join(["plain", n, r, p, salt, digest])
    yield "$".join([prefix, n, r, p, salt])  # a field missing
    yield "correct horse"  # a plaintext "hash"
    yield ""


def test_tampered_hashes_never_verify(stored: str) -> None:
    for bad in _tampered(stored):
        assert verify_passphrase("correct horse", bad) is False, bad


def test_short_passphrase_refused() -> None:
    with pytest.raises(ValidationError, match=r"too short"):
        hash_passphrase("abc")


# -- METHANE ------------------------------------------------------------------------------------------------

FULL = {
    "major_incident": True,
    "exact_location": " Omonia square, north side ",
    "incident_type": "Crowd crush",
    "hazards": "Collapsed barrier",
    "access": "From Athinas street",
    "casualties": "2 walking wounded",
    "emergency_services": "EKAB on scene",
}


def test_methane_round_trip_and_summary() -> None:
    report = MethaneReport.from_dict(FULL)
    assert report.exact_location == "Omonia square, north side"
    assert MethaneReport.from_dict(report.to_dict()) == report
    summary = report.summary()
    assert summary.startswith("MAJOR INCIDENT DECLARED. E: Omonia square, north side. T: Crowd crush.")
    standby = MethaneReport.from_dict({**FULL, "major_incident": False})
    assert standby.summary().startswith("Major incident STANDBY.")


@pytest.mark.parametrize("name", [n for n, _ in MethaneReport.FIELDS])
def test_methane_missing_field_is_named(name: str) -> None:
    label = dict(MethaneReport.FIELDS)[name]
    data = {k: v for k, v in FULL.items() if k != name}
    with pytest.raises(ValidationError, match=rf"needs '{label}'"):
        MethaneReport.from_dict(data)


@pytest.mark.parametrize("name", [n for n, _ in MethaneReport.FIELDS[1:]])
@pytest.mark.parametrize("blank", ["", "   "])
def test_methane_blank_field_is_named(name: str, blank: str) -> None:
    label = dict(MethaneReport.FIELDS)[name]
    with pytest.raises(ValidationError, match=rf"needs '{label}'"):
        MethaneReport(**{**FULL, name: blank})  # type: ignore[arg-type]


def test_methane_field_length_limit() -> None:
    with pytest.raises(ValidationError, match=r"'Hazards' is too long"):
        MethaneReport(**{**FULL, "hazards": "x" * (MAX_LOCATION * 2 + 1)})  # type: ignore[arg-type]


# -- fts_query: every word literal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gate", '"gate"*'),
        ("crowd gate", '"crowd"* "gate"*'),
        ('say "hi"', '"say"* """hi"""*'),
        ("gate*", '"gate*"*'),
        ("NEAR(a b)", '"near(a"* "b)"*'),  # folded like the index: case and accents removed
        ("-gate", '"-gate"*'),
        ("AND", '"and"*'),
        ("a OR b", '"a"* "or"* "b"*'),
        ("description:x", '"description:x"*'),
        ("^start", '"^start"*'),
        ("Σύνταγμα", '"συνταγμα"*'),
        ("ΟΔΟΣ", '"οδοσ"*'),
        ("مخيم", '"مخيم"*'),
        ("x\x00y", '"x"* "y"*'),
    ],
)
def test_fts_query_quotes_every_word(text: str, expected: str) -> None:
    assert fts_query(text) == expected


@pytest.mark.parametrize("text", ["", "   ", '"', "*", "-", ":", "^", "( )", '" * - : ^', "🔥", "\x00"])
def test_fts_query_with_nothing_searchable_is_none(text: str) -> None:
    assert fts_query(text) is None


FTS_HOSTILE = [
    '"',
    '"unbalanced',
    "*",
    "gate*",
    "NEAR(",
    "NEAR(crowd gate)",
    "NEAR(crowd gate, 2)",
    "-",
    "-gate",
    "AND",
    "OR",
    "NOT",
    "crowd AND",
    "OR gate",
    ":",
    "description:",
    "location:gate",
    "^",
    "^gate",
    "{description location}: gate",
    "a + b",
    "_",
    "x\x00y",
    "Σύνταγμα",
    "مخيم اللاجئين",
]


@pytest.fixture(scope="module")
def fts_db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(description, location, tokenize = 'unicode61 remove_diacritics 2')"
    )
    rows = [
        ("Crowd AND gate NEAR the OR square", "gate 3"),
        ("Συγκέντρωση στο Σύνταγμα", "Αθήνα"),
        ("وصولُ عائلاتٍ إلى مخيّم اللاجئين", "الحدود"),
    ]
    # Indexed as the store indexes it: folded.
    connection.executemany("INSERT INTO t VALUES (?, ?)", [(fold(d), fold(w)) for d, w in rows])
    yield connection
    connection.close()


@pytest.mark.parametrize("text", FTS_HOSTILE)
def test_fts_query_is_always_valid_fts5(fts_db: sqlite3.Connection, text: str) -> None:
    query = fts_query(text)
    if query is not None:
        fts_db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone()


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("AND", 1),  # the word "and", not the operator
        ("OR square", 1),
        ("NEAR(", 1),
        ("NEAR(crowd", 0),  # the phrase "near crowd", which the text does not contain
        ("gate*", 1),
        ("location:gate", 0),  # a column filter would find the row; literally, "location gate" is not a phrase
        ("σύνταγμα", 1),
        ("ΣΎΝΤΑΓΜΑ", 1),  # case folded
        ("συνταγμα", 1),  # typed without the tonos
        ("ΣΥΝΤΑΓΜΑ", 1),  # Greek capitals carry no accents
        ("Σύνταγ", 1),  # prefix
        ("αθηνα", 1),
        ("مخيم", 1),
        ("crowd zebra", 0),  # every word must match
    ],
)
def test_fts_query_matches_literally(fts_db: sqlite3.Connection, text: str, rows: int) -> None:
    query = fts_query(text)
    assert query is not None
    assert fts_db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone()[0] == rows


def test_fold_removes_accents_and_case_in_every_script() -> None:
    assert fold("Σύνταγμα") == fold("ΣΥΝΤΑΓΜΑ") == "συνταγμα"
    assert fold("ΟΔΌΣ") == fold("οδος") == "οδοσ"  # final sigma
    assert fold("مخيّم") == "مخيم"  # shadda
    assert fold("Évacuation Straße") == "evacuation strasse"
    assert fold("") == ""


# -- permissions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "exercise", "allowed"),
    [
        (Role.COMMANDER, False, True),
        (Role.COMMANDER, True, True),
        (Role.COMMS, False, True),
        (Role.COMMS, True, True),
        (Role.TRAINER, False, False),
        (Role.TRAINER, True, True),
        (Role.OBSERVER, False, False),
        (Role.OBSERVER, True, False),
    ],
)
def test_who_may_log_incidents(role: Role, exercise: bool, allowed: bool) -> None:
    if allowed:
        require_can_log_incident(role, exercise, "kim")
    else:
        with pytest.raises(PermissionDeniedError, match=r"^kim is an? .* may not log incidents in a"):
            require_can_log_incident(role, exercise, "kim")


def test_permission_messages_use_the_right_article() -> None:
    with pytest.raises(PermissionDeniedError, match=r"kim is an observer and may not log incidents in a live"):
        require_can_log_incident(Role.OBSERVER, False, "kim")
    with pytest.raises(PermissionDeniedError, match=r"kim is a trainer and may not log incidents in a live"):
        require_can_log_incident(Role.TRAINER, False, "kim")


@pytest.mark.parametrize(
    ("role", "phrase"),
    [(Role.COMMS, "a comms officer"), (Role.TRAINER, "a trainer"), (Role.OBSERVER, "an observer")],
)
def test_every_permission_message_names_the_role_as_a_person(role: Role, phrase: str) -> None:
    refusals = [
        lambda: require_can_manage_operation(role, False, "kim"),
        lambda: require_can_manage_users(role, "kim"),
    ]
    if role is not Role.COMMS:
        refusals.append(lambda: require_can_log_incident(role, False, "kim"))
    for refuse in refusals:
        with pytest.raises(PermissionDeniedError) as refused:
            refuse()
        assert re.match(rf"kim is {phrase}\b", str(refused.value))
        assert "staff" not in str(refused.value)


@pytest.mark.parametrize(
    ("role", "exercise", "allowed"),
    [
        (Role.COMMANDER, False, True),
        (Role.COMMANDER, True, True),
        (Role.TRAINER, True, True),
        (Role.TRAINER, False, False),
        (Role.COMMS, False, False),
        (Role.COMMS, True, False),
        (Role.OBSERVER, True, False),
    ],
)
def test_who_may_manage_operations(role: Role, exercise: bool, allowed: bool) -> None:
    if allowed:
        require_can_manage_operation(role, exercise, "kim")
    else:
        with pytest.raises(PermissionDeniedError, match=r"may not create or change"):
            require_can_manage_operation(role, exercise, "kim")


def test_only_commanders_manage_users() -> None:
    require_can_manage_users(Role.COMMANDER, "kim")
    for role in (Role.COMMS, Role.TRAINER, Role.OBSERVER):
        with pytest.raises(PermissionDeniedError, match=r"only a commander may add users"):
            require_can_manage_users(role, "kim")
