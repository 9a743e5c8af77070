"""Message templates: the shipped files, the file format's rules, and filling a template safely."""

import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest

from crowdops.domain.enums import OperationKind
from crowdops.domain.errors import ValidationError
from crowdops.domain.languages import LANGUAGES
from crowdops.domain.languages import language as find_language
from crowdops.domain.messages import Priority, Purpose
from crowdops.domain.templates import (
    CORE_LANGUAGES,
    Template,
    index_templates,
    parse_template,
    placeholders_in,
    templates_for,
)

P, E, M = OperationKind.PROTEST, OperationKind.EVENT, OperationKind.MIGRATION
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "resources" / "templates"
TEMPLATE_FILES = sorted(TEMPLATE_DIR.glob("*.toml"))

# What staff would typically type, on the long side. Every placeholder name a shipped template uses is here.
TYPICAL_VALUES = {
    "advice": "leave via Athinas Street",
    "alternative": "Akadimias Street",
    "area": "Syntagma Square",
    "busy_gates": "Gates 3 and 4",
    "claim": "the stadium bridge has collapsed",
    "correct": "Gate 4 is open",
    "crossing": "Kipoi",
    "decision": "the march ends at Omonia Square",
    "facts": "the bridge is open and safe; engineers checked it at 14:00",
    "hazard": "a fire in a building",
    "hours": "08:00–20:00",
    "medical": "the Red Cross tent at the port",
    "meeting_point": "the blue tent at Gate 2",
    "official_source": "migration.gov.gr",
    "quick_gates": "Gates 7 and 8",
    "reason": "the cup final",
    "registration_point": "the old customs building at the port",
    "road": "Panepistimiou Street",
    "route": "Stadiou Street towards Omonia",
    "shelter": "the sports hall on Ermou Street",
    "stations": "Omonia and Monastiraki",
    "time": "14:30",
    "until": "18:00",
    "venue": "the Olympic Stadium",
    "wait": "30 minutes",
    "water": "the tents by the harbour",
    "wrong": "Gate 4 is closed",
}
POST_LIMIT = 280  # X's limit; code points are a fair proxy for the seven core languages


def load(path: Path) -> Template:
    return parse_template(path.read_text(encoding="utf-8"), path.name)


SHIPPED = [load(path) for path in TEMPLATE_FILES]
SHIPPED_IDS = [t.id for t in SHIPPED]


def typical_values(template: Template) -> dict[str, str]:
    return {name: TYPICAL_VALUES[name] for name in template.placeholder_names}


# -- the shipped templates ----------------------------------------------------------------------------------


def test_the_shipped_set_covers_the_common_situations() -> None:
    assert 12 <= len(SHIPPED) <= 20
    by_id = index_templates(SHIPPED)  # refuses duplicate ids
    common = {
        "road-closure",
        "crowd-density",
        "danger-move-away",
        "lost-children",
        "stay-away",
        "all-clear",
        "rumour-denial",
        "decision-explanation",
        "correction",
    }
    for kind in OperationKind:
        assert common <= {t.id for t in templates_for(SHIPPED, kind)}, kind
    assert {"entry-gates", "transport-after"} <= {t.id for t in templates_for(SHIPPED, E)}
    assert {"help-points", "registration-point", "border-rumours"} <= {t.id for t in templates_for(SHIPPED, M)}
    assert {"route-change", "assembly-point", "way-out"} <= {t.id for t in templates_for(SHIPPED, P)}
    assert {t.purpose for t in SHIPPED} == set(Purpose)
    assert {t.priority for t in SHIPPED} == set(Priority)
    assert by_id["danger-move-away"].priority is Priority.LIFE_SAFETY


@pytest.mark.parametrize("template", SHIPPED, ids=SHIPPED_IDS)
def test_a_shipped_template_is_named_after_its_id_and_described(template: Template) -> None:
    assert template.source == f"{template.id}.toml"
    assert template.title and template.notes
    assert template.placeholders, "every shipped template has something to fill in"
    for placeholder in template.placeholders:
        assert len(placeholder.description) >= 10, placeholder


@pytest.mark.parametrize("template", SHIPPED, ids=SHIPPED_IDS)
def test_a_shipped_template_has_the_seven_core_languages(template: Template) -> None:
    assert set(CORE_LANGUAGES) <= set(template.languages)


@pytest.mark.parametrize("template", SHIPPED, ids=SHIPPED_IDS)
def test_every_language_uses_exactly_the_declared_placeholders(template: Template) -> None:
    declared = set(template.placeholder_names)
    assert declared <= TYPICAL_VALUES.keys(), "add a typical value for a new placeholder name"
    for language, text in template.texts:
        assert set(placeholders_in(text)) == declared, language


@pytest.mark.parametrize(
    ("template", "language"),
    [(t, language) for t in SHIPPED for language in CORE_LANGUAGES],
    ids=[f"{t.id}-{language}" for t in SHIPPED for language in CORE_LANGUAGES],
)
def test_a_filled_template_fits_in_one_post(template: Template, language: str) -> None:
    values = typical_values(template)
    text = template.fill(language, values)
    assert len(text) < POST_LIMIT, f"{len(text)} characters: {text}"
    for value in values.values():
        assert value in text
    assert "{" not in text and "}" not in text


def _letters(text: str) -> str:
    return "".join(char for char in re.sub(r"\{[a-z_]+\}", "", text) if char.isalpha())


@pytest.mark.parametrize("template", SHIPPED, ids=SHIPPED_IDS)
def test_texts_are_tidy_and_in_the_right_script(template: Template) -> None:
    scripts = {"el": "GREEK", "uk": "CYRILLIC", "ar": "ARABIC", "fa": "ARABIC"}
    for language, text in template.texts:
        assert "  " not in text and "\n" not in text, language
        assert not re.search(r" [.,،;؛]|\.\.|!", text), f"{language}: {text}"
        assert text[-1] in ".?", language
        if language not in CORE_LANGUAGES:
            continue  # the script check knows only the core languages
        script = scripts.get(language, "LATIN")
        foreign = [char for char in _letters(text) if not unicodedata.name(char).startswith(script)]
        assert not foreign, f"{language}: {foreign}"
    # Farsi and Arabic keyboards give different letters for yeh and kaf: each text uses its own.
    assert not set("يك") & set(template.text("fa")), "Arabic yeh or kaf in the Farsi text"
    assert not set("یک") & set(template.text("ar")), "Farsi yeh or keheh in the Arabic text"


@pytest.mark.parametrize("template", SHIPPED, ids=SHIPPED_IDS)
def test_right_to_left_texts_start_with_a_right_to_left_letter(template: Template) -> None:
    for code, text in template.texts:
        if find_language(code).rtl:
            first_strong = next(c for c in text if unicodedata.bidirectional(c) in ("L", "R", "AL"))
            assert unicodedata.bidirectional(first_strong) in ("R", "AL"), code


def test_the_readme_table_matches_the_files() -> None:
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    cell = r" \| ([^|]+?)"
    rows = re.findall(rf"^\| `([a-z0-9-]+)`{cell * 4} \|$", readme, flags=re.MULTILINE)
    listed = {row[0]: row[1:] for row in rows}
    assert set(listed) == set(SHIPPED_IDS)
    for t in SHIPPED:
        kinds = ", ".join(k.value for k in OperationKind if k in t.kinds)
        assert listed[t.id] == (t.title, kinds, t.purpose.value, t.priority.value), t.id


# -- the file format ----------------------------------------------------------------------------------------

VALID = """
id = "road-closure"
title = "Road closure"
purpose = "guidance"
priority = "routine"
kinds = ["protest", "event"]
notes = "Use when a road is closed."

[placeholders]
road = "The closed road"
until = "A clock time, for example 18:00"

[text]
en = "Road closed: {road}, until {until}."
de = "Straßensperrung: {road}, bis {until}."
ar = "إغلاق طريق: {road}، حتى الساعة {until}."
"""
NAME = "road-closure.toml"


def parse(source: str = VALID, name: str = NAME) -> Template:
    return parse_template(source, name)


def refused(source: str, *fragments: str, name: str = NAME) -> str:
    """Parse must fail with a message that names the file and says what is wrong."""
    with pytest.raises(ValidationError) as caught:
        parse_template(source, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_a_valid_template_is_read_with_everything_it_declares() -> None:
    template = parse()
    assert template.id == "road-closure"
    assert template.title == "Road closure"
    assert template.purpose is Purpose.GUIDANCE
    assert template.priority is Priority.ROUTINE
    assert template.kinds == frozenset({P, E})
    assert template.suits(P) and not template.suits(M)
    assert template.placeholder_names == ("road", "until")
    assert template.description_of("until") == "A clock time, for example 18:00"
    assert template.languages == ("en", "de", "ar")
    assert template.text("de") == "Straßensperrung: {road}, bis {until}."
    assert template.notes == "Use when a road is closed."
    with pytest.raises(dataclasses.FrozenInstanceError):
        template.title = "Other"  # type: ignore[misc]


def test_any_name_is_accepted_when_it_is_not_a_toml_file_name() -> None:
    assert parse(name="<pasted text>").source == "<pasted text>"
    assert parse(name="C:\\CrowdOps\\templates\\road-closure.toml").id == "road-closure"


def test_invalid_toml_is_refused_with_the_line() -> None:
    unclosed = VALID.replace('title = "Road closure"', 'title = "Road closure')
    refused(unclosed, "line 3 (column 22) is not valid TOML: a quote is not closed")
    refused(VALID.replace('purpose = "guidance"', "purpose guidance"), "line 4", "is not valid TOML")


def test_a_line_given_twice_is_refused_as_invalid_toml() -> None:
    refused(VALID.replace('de = "', 'en = "Again."\nde = "'), "is not valid TOML", "no name is given twice")


@pytest.mark.parametrize("field", ["id", "title", "purpose", "priority", "kinds"])
def test_a_missing_field_is_named(field: str) -> None:
    source = "\n".join(line for line in VALID.splitlines() if not line.startswith(f"{field} ="))
    refused(source, f"the field '{field}' is missing")


def test_a_missing_text_table_is_named() -> None:
    refused(VALID.split("[text]")[0], "the field 'text' is missing")


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ('purpose = "guidance"', 'purpose = "info"', ("unknown purpose 'info'", "rumour-response")),
        ('purpose = "guidance"', 'purpose = "warnings"', ("did you mean 'warning'?",)),
        ('priority = "routine"', 'priority = "high"', ("unknown priority 'high'", "life-safety")),
        ('kinds = ["protest", "event"]', 'kinds = ["protest", "concert"]', ("unknown kind 'concert'", "migration")),
        ('kinds = ["protest", "event"]', "kinds = []", ("must list at least one kind",)),
        ('kinds = ["protest", "event"]', "kinds = 3", ("must list at least one kind",)),
        ('kinds = ["protest", "event"]', 'kinds = "event"', ("must list at least one kind",)),
        ('kinds = ["protest", "event"]', 'kinds = ["event", "event"]', ("'event' is listed twice",)),
        ('title = "Road closure"', 'title = "  "', ("the field 'title' is empty",)),
        ('title = "Road closure"', "title = 5", ("must be text in quotes",)),
        ('id = "road-closure"', 'id = "Road Closure"', ("the id 'Road Closure' is not valid",)),
        ('id = "road-closure"', 'id = "road-works"', ("the id is 'road-works' but the file is named",)),
        ('notes = "Use', 'purpse = "guidance"\nnotes = "Use', ("unknown field 'purpse'", "did you mean 'purpose'?")),
        ('road = "The closed road"', 'road = ""', ("the placeholder 'road' needs a short description",)),
    ],
)
def test_a_wrong_field_is_refused_with_the_allowed_values(old: str, new: str, fragments: tuple[str, ...]) -> None:
    assert old in VALID
    refused(VALID.replace(old, new, 1), *fragments)


def test_a_placeholder_name_must_be_lowercase_letters() -> None:
    source = VALID.replace('road = "The closed road"', '"Road" = "The closed road"').replace("{road}", "{Road}")
    refused(source, "the placeholder name 'Road' is not valid")


@pytest.mark.parametrize(
    ("broken", "fragment"),
    [
        ("{road", "'{' that is never closed"),
        ("{road {until}", "'{' that is never closed"),
        ("{{road}}", "has '{{'"),
        ("road}", "'}' without a '{'"),
        ("{Road}", "'{Road}', which is not a placeholder"),
        ("{ road }", "'{ road }', which is not a placeholder"),
        ("{meeting-point}", "'{meeting-point}', which is not a placeholder"),
        ("{}", "empty placeholder"),
    ],
)
def test_malformed_placeholder_syntax_is_refused_near_where_it_is(broken: str, fragment: str) -> None:
    source = VALID.replace("Straßensperrung: {road}", f"Straßensperrung: {broken}")
    message = refused(source, "the German text (de)", fragment)
    assert broken in message  # shows where


def test_a_language_that_leaves_out_a_placeholder_is_refused() -> None:
    refused(VALID.replace("bis {until}.", "bis heute Abend."), "the German text (de) does not use {until}")


def test_a_language_with_an_undeclared_placeholder_is_refused_with_a_suggestion() -> None:
    refused(
        VALID.replace("bis {until}.", "bis {untill}."),
        "the German text (de) uses {untill}, which is not listed under [placeholders]",
        "did you mean {until}?",
    )


def test_a_declared_placeholder_no_text_uses_is_refused() -> None:
    source = VALID.replace('until = "A clock', 'diversion = "Another road"\nuntil = "A clock')
    refused(source, "the English text (en) does not use {diversion}")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("gr", "Greek is 'el'"),
        ("ua", "Ukrainian is 'uk'"),
        ("persian", "Farsi is 'fa'"),
        ("xx", "unknown language code 'xx'"),
        ("english", "English is 'en'"),
        ("e", "unknown language code 'e'"),
    ],
)
def test_an_unknown_language_code_is_refused_with_a_hint(code: str, fragment: str) -> None:
    refused(VALID.replace("de = ", f"{code} = "), "[text] has an unknown language code", fragment)


def test_a_language_given_twice_is_refused() -> None:
    refused(VALID.replace("de = ", "EN = "), "the English text (en) is given twice")


def test_an_empty_text_is_refused() -> None:
    refused(VALID.replace('de = "Straßensperrung: {road}, bis {until}."', 'de = "  "'), "German text (de) is empty")


def test_a_right_to_left_text_must_start_with_a_right_to_left_word() -> None:
    arabic = "إغلاق طريق: {road}، حتى الساعة {until}."
    starts_with_a_name = VALID.replace(arabic, "{road}: إغلاق طريق حتى الساعة {until}.")
    refused(starts_with_a_name, "Arabic text (ar) starts with a placeholder")
    refused(VALID.replace(arabic, "Info: إغلاق طريق {road} حتى {until}."), "starts with left-to-right letters")
    assert parse(VALID.replace(arabic, "٢٤ ساعة: إغلاق طريق {road} حتى {until}.")).text("ar").startswith("٢٤")


def test_texts_are_trimmed_and_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Straßensperrung für {road} bis {until}.")
    template = parse(VALID.replace('"Straßensperrung: {road}, bis {until}."', f'"""\n{decomposed}\n"""'))
    assert template.text("de") == "Straßensperrung für {road} bis {until}."


def test_language_codes_are_read_without_regard_to_case() -> None:
    template = parse(VALID.replace("de = ", "DE = "))
    assert template.languages == ("en", "de", "ar")
    assert set(CORE_LANGUAGES) <= {known.code for known in LANGUAGES}
    assert find_language("ar").rtl and find_language("fa").rtl and not find_language("uk").rtl


def test_the_readme_names_every_language_code() -> None:
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z]{2,3})`", readme.split("## Languages")[1].split("Codes are language codes")[0]))
    assert named == {known.code for known in LANGUAGES}


def test_two_templates_with_one_id_are_refused_naming_both_files() -> None:
    with pytest.raises(ValidationError, match=r"'road-closure': a/road-closure.toml and b/road-closure.toml"):
        index_templates([parse(name="a/road-closure.toml"), parse(name="b/road-closure.toml")])


# -- filling ------------------------------------------------------------------------------------------------

VALUES = {"road": "Panepistimiou Street", "until": "18:00"}


def test_fill_puts_every_value_in_place() -> None:
    template = parse()
    assert template.fill("en", VALUES) == "Road closed: Panepistimiou Street, until 18:00."
    assert template.fill("DE", VALUES) == "Straßensperrung: Panepistimiou Street, bis 18:00."
    assert template.fill("ar", VALUES) == "إغلاق طريق: Panepistimiou Street، حتى الساعة 18:00."
    assert template.fill("en", {"road": "  Odos Athinas ", "until": "18:00"}).startswith("Road closed: Odos Athinas,")


def test_a_placeholder_used_twice_is_filled_twice() -> None:
    source = VALID.replace("Road closed: {road}, until {until}.", "{road} is closed. Avoid {road} until {until}.")
    assert parse(source).fill("en", VALUES) == (
        "Panepistimiou Street is closed. Avoid Panepistimiou Street until 18:00."
    )


def test_a_missing_value_is_named_with_its_description() -> None:
    with pytest.raises(ValidationError, match=r"Fill in \{until\} \(A clock time, for example 18:00\)"):
        parse().fill("en", {"road": "Panepistimiou Street"})


@pytest.mark.parametrize("empty", ["", "   ", "\u00a0"])
def test_an_empty_value_is_named(empty: str) -> None:
    with pytest.raises(ValidationError, match=r"\{road\} is empty: fill it in \(The closed road\)"):
        parse().fill("en", {"road": empty, "until": "18:00"})


def test_an_unknown_key_is_named_with_a_suggestion() -> None:
    with pytest.raises(ValidationError) as caught:
        parse().fill("en", {"raod": "Panepistimiou Street", "until": "18:00"})
    message = str(caught.value)
    assert "'raod' is not a placeholder of the template 'Road closure'" in message
    assert "did you mean {road}?" in message
    assert "its placeholders are: {road}, {until}" in message


def test_an_extra_key_is_refused_even_when_all_placeholders_are_filled() -> None:
    with pytest.raises(ValidationError, match="'location' is not a placeholder"):
        parse().fill("en", {**VALUES, "location": "Syntagma"})


def test_a_value_must_be_one_line_of_text() -> None:
    with pytest.raises(ValidationError, match=r"\{road\} contains a line break"):
        parse().fill("en", {"road": "Panepistimiou\nStreet", "until": "18:00"})
    with pytest.raises(ValidationError, match=r"\{until\} must be text"):
        parse().fill("en", {"road": "Panepistimiou Street", "until": 18})  # type: ignore[dict-item]


def test_an_unknown_language_is_refused_when_filling() -> None:
    with pytest.raises(ValidationError, match="Unknown language code 'gr': Greek is 'el'"):
        parse().fill("gr", VALUES)


def test_a_language_the_template_lacks_is_named_with_those_it_has() -> None:
    with pytest.raises(ValidationError) as caught:
        parse().fill("el", VALUES)
    assert str(caught.value) == (
        "The template 'Road closure' has no Greek text (el); it is written in English (en), German (de), Arabic (ar)."
    )


@pytest.mark.parametrize(
    "value",
    ["{until}", "{road}", "{{until}}", "{", "}", r"\1", r"\g<0>", "$until", "%(until)s", "{0}", "{until!r}"],
)
def test_values_are_inserted_literally_and_never_expanded_again(value: str) -> None:
    filled = parse().fill("en", {"road": value, "until": "18:00"})
    assert filled == f"Road closed: {value}, until 18:00."


def test_a_value_is_not_expanded_by_a_later_placeholder() -> None:
    filled = parse().fill("en", {"road": "Odos {until}", "until": "Odos {road}"})
    assert filled == "Road closed: Odos {until}, until Odos {road}."


def test_preview_fills_what_is_given_and_leaves_the_rest_visible() -> None:
    template = parse()
    assert template.preview("en", {"road": "Panepistimiou Street"}) == (
        "Road closed: Panepistimiou Street, until {until}."
    )
    assert template.preview("en", {"road": " ", "extra": "x"}) == "Road closed: {road}, until {until}."
