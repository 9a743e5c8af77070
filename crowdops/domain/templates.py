"""Pre-approved message templates: the file format's rules, and filling a template in one language.

A template is one TOML file (the format is documented for its editors in resources/templates/README.md). This module
only parses text that someone else has read and fills a parsed template; reading the folder is the services' job.

Placeholders are written ``{name}`` (lowercase letters and underscores). Filling is one pass over the approved text:
a value is inserted as it is, so a value that itself contains ``{something}`` is never expanded again.
"""

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from crowdops.domain.enums import OperationKind
from crowdops.domain.errors import ValidationError
from crowdops.domain.languages import LANGUAGES as KNOWN_LANGUAGES
from crowdops.domain.languages import Language
from crowdops.domain.languages import language as find_language
from crowdops.domain.messages import Priority, Purpose

_E = TypeVar("_E", bound=StrEnum)
_Fail = Callable[[str], ValidationError]  # turns a problem into an error that names the file


# -- languages ----------------------------------------------------------------------------------------------

# Every template that ships with CrowdOps is written in all of these.
CORE_LANGUAGES: tuple[str, ...] = ("en", "el", "de", "fr", "ar", "uk", "fa")
# Country codes and names people type for a language, and the code they meant.
_LANGUAGE_HINTS: dict[str, str] = {
    "gr": "el",
    "ua": "uk",
    "ir": "fa",
    "per": "fa",
    "persian": "fa",
    "al": "sq",
} | {known.name.lower(): known.code for known in KNOWN_LANGUAGES}


def _find_language(code: str) -> tuple[Language | None, str]:
    """(the language, "") or (None, what is wrong with the code), said for the person who typed it."""
    try:
        return find_language(code), ""
    except ValidationError:
        hint = _LANGUAGE_HINTS.get(code.strip().lower())
        if hint and hint in _KNOWN_CODES:
            return None, f"unknown language code '{code}': {find_language(hint).name} is '{hint}'"
        return None, (
            f"unknown language code '{code}': use one of {', '.join(_KNOWN_CODES)} (see the templates README)"
        )


def _language(code: str) -> Language:
    found, problem = _find_language(code)
    if found is None:
        raise ValidationError(problem[0].upper() + problem[1:] + ".")
    return found


def _text_label(code: str) -> str:
    """How messages name one language's text: 'the Greek text (el)'."""
    return f"the {find_language(code).name} text ({code})"


_KNOWN_CODES = tuple(known.code for known in KNOWN_LANGUAGES)


# -- placeholders -------------------------------------------------------------------------------------------

PLACEHOLDER_NAME = re.compile(r"[a-z_]+")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_TEMPLATE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _near(text: str, index: int) -> str:
    start, end = max(0, index - 20), min(len(text), index + 21)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in a text, in order (repeats included); a ValidationError at the first malformed one."""
    names: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "{":
            match = _PLACEHOLDER.match(text, index)
            if match:
                names.append(match.group(1))
                index = match.end()
                continue
            close, reopen = text.find("}", index), text.find("{", index + 1)
            if reopen == index + 1:
                problem = "has '{{': write a placeholder with single braces, like {location}"
            elif close == -1 or (reopen != -1 and reopen < close):
                problem = "has a '{' that is never closed"
            elif close == index + 1:
                problem = "has an empty placeholder '{}'"
            else:
                problem = (
                    f"has '{text[index : close + 1]}', which is not a placeholder: "
                    "use only lowercase letters a–z and _ inside the braces, like {meeting_point}"
                )
            raise ValidationError(f"{problem}, near “{_near(text, index)}”")
        if char == "}":
            raise ValidationError(f"has a '}}' without a '{{' before it, near “{_near(text, index)}”")
        index += 1
    return names


_QUOTED, _BRACED = "'{}'", "{{{}}}"


def _did_you_mean(word: str, choices: Iterable[str], wrap: str) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {wrap.format(close[0])}?)" if close else ""


def _braced(names: Iterable[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in names)


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str
    description: str  # for the person filling it in: "Where, as people know it"


@dataclass(frozen=True, slots=True)
class Template:
    """One approved template. Build it with parse_template, which checks every rule."""

    id: str
    title: str
    purpose: Purpose
    priority: Priority
    kinds: frozenset[OperationKind]
    placeholders: tuple[Placeholder, ...]
    texts: tuple[tuple[str, str], ...]  # (language code, text), in the file's order
    notes: str = ""  # when to use it, for the drafter; never published
    source: str = ""  # the file it came from, for messages

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.texts)

    @property
    def placeholder_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.placeholders)

    def description_of(self, name: str) -> str:
        for placeholder in self.placeholders:
            if placeholder.name == name:
                return placeholder.description
        raise ValidationError(f"'{name}' is not a placeholder of the template '{self.title}'.")

    def suits(self, kind: OperationKind) -> bool:
        return kind in self.kinds

    def text(self, language: str) -> str:
        """The approved text with its placeholders still in it."""
        wanted = _language(language)
        for code, text in self.texts:
            if code == wanted.code:
                return text
        written_in = ", ".join(f"{find_language(code).name} ({code})" for code in self.languages)
        raise ValidationError(
            f"The template '{self.title}' has no {wanted.name} text ({wanted.code}); it is written in {written_in}."
        )

    def fill(self, language: str, values: Mapping[str, str]) -> str:
        """The text in one language with every placeholder filled; each value is inserted as it is, only trimmed."""
        text = self.text(language)
        cleaned = self._check_values(values)
        return _PLACEHOLDER.sub(lambda match: cleaned[match.group(1)], text)

    def preview(self, language: str, values: Mapping[str, str]) -> str:
        """Like fill, but refuses no value: what is not filled in yet stays as {name}. For live previews only."""
        text = self.text(language)

        def value_or_name(match: re.Match[str]) -> str:
            value = values.get(match.group(1))
            return value.strip() if isinstance(value, str) and value.strip() else match.group(0)

        return _PLACEHOLDER.sub(value_or_name, text)

    def _check_values(self, values: Mapping[str, str]) -> dict[str, str]:
        declared = self.placeholder_names
        unknown = [key for key in values if key not in declared]
        if unknown:
            key = unknown[0]
            listed = _braced(declared) if declared else "none"
            raise ValidationError(
                f"'{key}' is not a placeholder of the template '{self.title}'"
                f"{_did_you_mean(str(key), declared, _BRACED)}; its placeholders are: {listed}."
            )
        missing = [name for name in declared if name not in values]
        if missing:
            raise ValidationError(f"Fill in {self._listed(missing)} for the template '{self.title}'.")
        cleaned: dict[str, str] = {}
        for name in declared:
            value = values[name]
            if not isinstance(value, str):
                raise ValidationError(f"The value for {{{name}}} must be text.")
            value = value.strip()
            if not value:
                raise ValidationError(f"{{{name}}} is empty: fill it in ({self.description_of(name)}).")
            if any(unicodedata.category(char) == "Cc" for char in value):
                raise ValidationError(
                    f"The value for {{{name}}} contains a line break or another control character; keep it on one line."
                )
            cleaned[name] = value
        return cleaned

    def _listed(self, names: list[str]) -> str:
        return "; ".join(f"{{{name}}} ({self.description_of(name)})" for name in names)


# -- parsing ------------------------------------------------------------------------------------------------

_REQUIRED_FIELDS = ("id", "title", "purpose", "priority", "kinds", "text")
_OPTIONAL_FIELDS = ("placeholders", "notes")
_FIELD_EXAMPLES = {
    "id": 'id = "road-closure"',
    "title": 'title = "Road closure"',
    "purpose": 'purpose = "guidance"',
    "priority": 'priority = "routine"',
    "kinds": 'kinds = ["protest", "event", "migration"]',
    "text": '[text] followed by lines like en = "…"',
}


def parse_template(source: str, name: str) -> Template:
    """Read one template file's text. `name` (usually the file name) starts every error message.

    When `name` ends in .toml, the file name without .toml must equal the template's id.
    """

    def fail(problem: str) -> ValidationError:
        return ValidationError(f"{name}: {problem}")

    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        detail = str(error)
        where = re.search(r"\s*\(at line (\d+), column (\d+)\)", detail)
        if where:
            detail = detail[: where.start()] + detail[where.end() :]
            place = f"line {where.group(1)} (column {where.group(2)})"
        else:
            place = "the file"
        if detail.startswith(("Illegal character '\\n'", "Unterminated string")):
            detail = "a quote is not closed before the end of the line"
        raise fail(
            f"{place} is not valid TOML: {detail}. Check the quotes and the = signs there, "
            "and that no name is given twice."
        ) from None

    for key in data:
        if key not in _REQUIRED_FIELDS + _OPTIONAL_FIELDS:
            allowed = _REQUIRED_FIELDS + _OPTIONAL_FIELDS
            raise fail(
                f"unknown field '{key}'{_did_you_mean(key, allowed, _QUOTED)}; the fields are: {', '.join(allowed)}."
            )
    for key in _REQUIRED_FIELDS:
        if key not in data:
            raise fail(f"the field '{key}' is missing. Add it, for example: {_FIELD_EXAMPLES[key]}")

    template_id = _text_field(data, "id", fail)
    if not _TEMPLATE_ID.fullmatch(template_id):
        raise fail(
            f"the id '{template_id}' is not valid: use lowercase letters, digits and single hyphens, like road-closure."
        )
    stem = re.split(r"[\\/]", name)[-1]
    if stem.endswith(".toml") and stem.removesuffix(".toml") != template_id:
        raise fail(f"the id is '{template_id}' but the file is named '{stem}': make them the same.")

    title = _text_field(data, "title", fail)
    if "\n" in title:
        raise fail("the title must fit on one line.")
    purpose = _choice(Purpose, _text_field(data, "purpose", fail), "purpose", fail)
    priority = _choice(Priority, _text_field(data, "priority", fail), "priority", fail)
    kinds = _kinds(data["kinds"], fail)
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise fail('the notes must be text in quotes, like notes = "Use when …".')
    placeholders = _placeholders(data.get("placeholders", {}), fail)
    texts = _texts(data["text"], placeholders, fail)
    return Template(
        id=template_id,
        title=title,
        purpose=purpose,
        priority=priority,
        kinds=kinds,
        placeholders=placeholders,
        texts=texts,
        notes=notes.strip(),
        source=name,
    )


def _text_field(data: dict[str, Any], key: str, fail: _Fail) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise fail(f"the field '{key}' must be text in quotes, for example: {_FIELD_EXAMPLES[key]}")
    if not value.strip():
        raise fail(f"the field '{key}' is empty.")
    return value.strip()


def _choice(enum: type[_E], value: str, what: str, fail: _Fail) -> _E:
    try:
        return enum(value.lower())
    except ValueError:
        allowed = [member.value for member in enum]
        raise fail(
            f"unknown {what} '{value}'{_did_you_mean(value.lower(), allowed, _QUOTED)}; "
            f"use one of {', '.join(allowed)}."
        ) from None


def _kinds(value: Any, fail: _Fail) -> frozenset[OperationKind]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise fail(f"the field 'kinds' must list at least one kind, for example: {_FIELD_EXAMPLES['kinds']}")
    kinds: list[OperationKind] = []
    for item in value:
        kind = _choice(OperationKind, item.strip(), "kind", fail)
        if kind in kinds:
            raise fail(f"the kind '{kind.value}' is listed twice under 'kinds'.")
        kinds.append(kind)
    return frozenset(kinds)


def _placeholders(value: Any, fail: _Fail) -> tuple[Placeholder, ...]:
    if not isinstance(value, dict):
        raise fail('[placeholders] must be a table of lines like location = "Where, as people know it".')
    placeholders: list[Placeholder] = []
    for key, description in value.items():
        if not PLACEHOLDER_NAME.fullmatch(key):
            raise fail(
                f"the placeholder name '{key}' is not valid: use only lowercase letters a–z and _, like meeting_point."
            )
        if not isinstance(description, str) or not description.strip():
            raise fail(
                f"the placeholder '{key}' needs a short description in quotes, "
                f'like {key} = "Where, as people know it".'
            )
        placeholders.append(Placeholder(key, description.strip()))
    return tuple(placeholders)


def _texts(value: Any, placeholders: tuple[Placeholder, ...], fail: _Fail) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value:
        raise fail('[text] must hold at least one language, like en = "Road closed: {road}."')
    declared = [p.name for p in placeholders]
    texts: dict[str, str] = {}
    for key, raw in value.items():
        found, problem = _find_language(key)
        if found is None:
            raise fail(f"[text] has an {problem}.")
        language = found.code
        label = _text_label(language)
        if language in texts:
            raise fail(f"{label} is given twice under [text].")
        if not isinstance(raw, str) or not raw.strip():
            raise fail(f"{label} is empty." if isinstance(raw, str) else f"{label} must be text in quotes.")
        text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
        try:
            used = placeholders_in(text)
        except ValidationError as error:
            raise fail(f"{label} {error}.") from None
        for used_name in dict.fromkeys(used):
            if used_name not in declared:
                raise fail(
                    f"{label} uses {{{used_name}}}, which is not listed under [placeholders]"
                    f"{_did_you_mean(used_name, declared, _BRACED)}."
                )
        missing = [name for name in declared if name not in used]
        if missing:
            raise fail(
                f"{label} does not use {_braced(missing)}. Every language must use the same placeholders: "
                f"{_braced(declared)}."
            )
        if found.rtl:
            _check_starts_right_to_left(text, label, fail)
        texts[language] = text
    return tuple(texts.items())


def _check_starts_right_to_left(text: str, label: str, fail: _Fail) -> None:
    """Platforms set a post's direction from its first letter: a Latin place name first would turn it around."""
    for index, char in enumerate(text):
        if char == "{":
            raise fail(
                f"{label} starts with a placeholder ({text[index:].split('}')[0]}}}). Start it with a word: "
                "a place name in Latin letters at the start would show the whole post left to right."
            )
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return
        if direction == "L":
            raise fail(
                f"{label} starts with left-to-right letters. Start it with a word in its own script, "
                "or the whole post will show left to right."
            )


def index_templates(templates: Iterable[Template]) -> dict[str, Template]:
    """The templates by id; two with the same id are refused, naming both files."""
    by_id: dict[str, Template] = {}
    for template in templates:
        other = by_id.get(template.id)
        if other is not None:
            raise ValidationError(
                f"Two templates use the id '{template.id}': {other.source or other.title} and "
                f"{template.source or template.title}. Give each template its own id."
            )
        by_id[template.id] = template
    return by_id


def templates_for(templates: Iterable[Template], kind: OperationKind) -> list[Template]:
    """The templates that suit an operation kind, by title."""
    return sorted((t for t in templates if t.suits(kind)), key=lambda t: t.title.lower())
