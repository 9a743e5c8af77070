"""Languages a public message can be written in: BCP-47 primary codes, their names and writing direction.

Reaching people who do not speak the local language is a core need (visitors, migrants), so the list is broad;
right-to-left scripts are marked so that editors and previews lay them out correctly.
"""

from dataclasses import dataclass

from crowdops.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str  # in English, for lists
    native: str  # as its readers write it
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English"),
    Language("el", "Greek", "Ελληνικά"),
    Language("de", "German", "Deutsch"),
    Language("fr", "French", "Français"),
    Language("ar", "Arabic", "العربية", rtl=True),
    Language("uk", "Ukrainian", "Українська"),
    Language("fa", "Farsi", "فارسی", rtl=True),
    Language("es", "Spanish", "Español"),
    Language("it", "Italian", "Italiano"),
    Language("pt", "Portuguese", "Português"),
    Language("nl", "Dutch", "Nederlands"),
    Language("pl", "Polish", "Polski"),
    Language("ro", "Romanian", "Română"),
    Language("bg", "Bulgarian", "Български"),
    Language("tr", "Turkish", "Türkçe"),
    Language("ru", "Russian", "Русский"),
    Language("sq", "Albanian", "Shqip"),
    Language("ps", "Pashto", "پښتو", rtl=True),
    Language("ur", "Urdu", "اردو", rtl=True),
    Language("so", "Somali", "Soomaali"),
    Language("ti", "Tigrinya", "ትግርኛ"),
    Language("ku", "Kurdish", "Kurdî"),
)
_BY_CODE = {language.code: language for language in LANGUAGES}


def language(code: str) -> Language:
    """The language for a code such as 'ar' or 'AR'; a ValidationError names the codes that are known."""
    found = _BY_CODE.get(code.strip().lower())
    if found is None:
        known = ", ".join(language.code for language in LANGUAGES)
        raise ValidationError(f"Unknown language code '{code}': use one of {known}.")
    return found
