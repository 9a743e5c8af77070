"""Find personal data in a draft before it is published, so that the author must acknowledge each finding.

This module only finds; it never decides. Each finding is a `PrivacyFlag` with a stable `key` built from the
normalised value (`phone:+302101234567`, `vehicle-plate:IKA-1234`), not from its position, so an acknowledgement
bound to a key survives edits elsewhere in the text. The same value written twice gives two flags with one key.
Official contact data that the authority itself publishes (its hotline, its press address) is flagged like any
other: the caller lets the author acknowledge it.

Detected, each with a check that keeps false alarms rare:
- phone numbers: Google's libphonenumber (`PhoneNumberMatcher`, leniency VALID: the number must be a valid
  number of a real numbering plan, so times, dates, counts, street numbers, postal codes and "300 people" are not
  numbers). National numbers are read for each of `regions` in turn (the first region that reads a span wins);
  numbers written with +NN or 00NN are found whatever the regions. Digits in any script count (Arabic-Indic
  ٠-٩, Persian ۰-۹, full-width), as do no-break spaces and Unicode dashes between the groups.
- e-mail addresses, including non-Latin ones (παράδειγμα@example.gr); the domain needs a dot and a TLD.
- vehicle plates, uppercase and only in formats specific enough not to flag words, times or years:
  Greece "ΙΚΑ-1234" (Greek or the look-alike Latin letters, hyphen required: "ΚΑΙ 2000" is Greek text),
  Germany "B-AB 1234", "M-AB123" and "M AB 123" (three letters at least, so not "B-C 12"; the spaced form not
  with a common word: "UP TO 300", "BIS ZU 300", "UND KM 135"), France "AB-123-CD", United Kingdom "AB12 CDE"
  and "AB12CDE" (real age identifiers only), Austria "W-12345A", "GU-123 AB", "FK-1 ABC" (hyphen required,
  four to six characters after it: "A-1010 Wien" is a postal code, "F-16C" an aircraft).
- IBANs of the countries in the IBAN registry: exact length for the country and the mod-97 check digits.
- payment card numbers: 13 to 19 digits, written together or grouped like a card (4-4-4-4, 4-4-4-4-3, 4-6-5,
  4-6-4), starting like a card network (2221-2720, 3, 4, 5, 6) and passing the Luhn check.
- IPv4 addresses (four octets 0-255, not part of a longer dotted number nor a version: "v1.2.3.4",
  "version 3.2.1.0").

Deliberately not flagged:
- names, addresses, ages, dates of birth and descriptions of people: they cannot be told from ordinary words
  reliably, so the author stays responsible for them.
- emergency numbers and short codes, which a public message SHOULD carry: 112, 100, 166, 199, 110, 17, 15, 18,
  999, 911 (`EMERGENCY_NUMBERS`), hotlines such as 116 000 and any number of six digits or fewer written
  without an international prefix.
- national identity, passport, tax and social security numbers: formats too generic to tell from reference
  numbers. IPv6 and MAC addresses, social media handles, coordinates and URLs: not personal data about a
  bystander in the messages CrowdOps sends, or too rare there to be worth false alarms.
- plates written in lowercase, without the hyphen in the Greek, French and Austrian formats, or in older UK
  formats; a national number written in a region not listed in `regions`; numbers spelled out in words.
Known false alarms, left to the author's acknowledgement: a reference number shaped exactly like a valid phone
number ("0123456789" is a Paris number), a capitals-and-digits code shaped like a plate ("EU-UK 2026").
A national number valid in several regions is keyed with the country of the first of them (Iranian 0912 ...
in Persian digits reads as German with the default regions): it is flagged all the same.
"""

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import phonenumbers
import regex
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

DEFAULT_REGIONS: tuple[str, ...] = ("GR", "DE", "FR", "GB", "AT")

# Emergency numbers a public message should carry: never flagged.
EMERGENCY_NUMBERS: frozenset[str] = frozenset({"112", "100", "166", "199", "110", "17", "15", "18", "999", "911"})

# Numbers this short, written without an international prefix, are short codes and hotlines (116 000, 1020).
_SHORT_CODE_MAX_DIGITS = 6


class PrivacyKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    VEHICLE_PLATE = "vehicle-plate"
    IBAN = "iban"
    PAYMENT_CARD = "payment-card"
    IP_ADDRESS = "ip-address"

    @property
    def label(self) -> str:
        return {
            "phone": "Phone number",
            "email": "E-mail address",
            "vehicle-plate": "Vehicle plate",
            "iban": "Bank account (IBAN)",
            "payment-card": "Payment card number",
            "ip-address": "IP address",
        }[self.value]


@dataclass(frozen=True, slots=True)
class PrivacyFlag:
    """One piece of personal data found in a text. `start`/`end` index the text as given, in code points like any
    Python string (`text[start:end]` is `excerpt`; a Qt caller converts to UTF-16 positions). `key` depends only on
    the normalised value, so it stays the same when the text around it changes."""

    kind: PrivacyKind
    start: int
    end: int
    excerpt: str
    message: str
    key: str


_MESSAGES: dict[PrivacyKind, str] = {
    PrivacyKind.PHONE: "Looks like a phone number ({}): a private number must not be published.",
    PrivacyKind.EMAIL: "Looks like an e-mail address ({}): a private address must not be published.",
    PrivacyKind.VEHICLE_PLATE: "Looks like a vehicle plate ({}): it identifies the owner and must not be published.",
    PrivacyKind.IBAN: "Looks like a bank account number ({}): account details must not be published.",
    PrivacyKind.PAYMENT_CARD: "Looks like a payment card number ({}): a card number must never be published.",
    PrivacyKind.IP_ADDRESS: "Looks like an IP address ({}): it can identify a person and must not be published.",
}

# When findings overlap, the more specific kind wins (an IBAN's digits may also read as a phone number).
_RANK: dict[PrivacyKind, int] = {
    PrivacyKind.IBAN: 0,
    PrivacyKind.PAYMENT_CARD: 1,
    PrivacyKind.EMAIL: 2,
    PrivacyKind.IP_ADDRESS: 3,
    PrivacyKind.VEHICLE_PLATE: 4,
    PrivacyKind.PHONE: 5,
}


class _Hit(NamedTuple):
    kind: PrivacyKind
    start: int
    end: int
    value: str  # normalised: the part of the key after the kind


def find_personal_data(text: str, *, regions: Sequence[str] = DEFAULT_REGIONS) -> list[PrivacyFlag]:
    """Every piece of personal data found in `text`, in text order, without overlaps.

    `regions` are ISO country codes whose national phone numbering is read (numbers with +NN are found anyway).
    Raises ValueError for a code libphonenumber does not know: that is a configuration mistake, not user input.
    """
    phone_regions = _phone_regions(regions)
    if not text:
        return []
    # One code point for one code point, so every index found in `scan` is an index into `text`.
    scan = text.translate(_SCAN_TABLE)
    hits = list(_emails(scan))
    if _ANY_DIGIT.search(scan):  # every other kind contains a digit
        hits += [*_ibans(scan), *_cards(scan), *_ipv4s(scan), *_plates(scan), *_phones(scan, phone_regions)]
    flags = []
    for hit in _without_overlaps(hits, len(text)):
        excerpt = text[hit.start : hit.end]
        flags.append(
            PrivacyFlag(
                kind=hit.kind,
                start=hit.start,
                end=hit.end,
                excerpt=excerpt,
                message=_MESSAGES[hit.kind].format(excerpt),
                key=f"{hit.kind}:{hit.value}",
            )
        )
    return flags


def _phone_regions(regions: Sequence[str]) -> tuple[str, ...]:
    if isinstance(regions, str):  # a single "GR" would otherwise be read as "G", "R"
        regions = (regions,)
    codes: list[str] = []
    for region in regions:
        code = region.strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"Unknown phone region '{region}': use a two-letter country code such as GR or DE.")
        if code not in codes:
            codes.append(code)
    return tuple(codes) or ("ZZ",)  # "ZZ": no national plan, international numbers only


def _without_overlaps(hits: list[_Hit], length: int) -> list[_Hit]:
    """Keep the most specific, then the longest, then the earliest finding of each overlapping group. The sort is
    stable, so for phone numbers the first region that read a span wins."""
    taken = bytearray(length)
    kept = []
    for hit in sorted(hits, key=lambda h: (_RANK[h.kind], h.start - h.end, h.start)):
        if taken.find(1, hit.start, hit.end) != -1:
            continue
        taken[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
        kept.append(hit)
    kept.sort(key=lambda h: h.start)
    return kept


# -- folding for the scan ----------------------------------------------------------------------------------------


class _ScanTable(dict[int, int]):
    """`str.translate` table, filled lazily: any decimal digit becomes its ASCII digit, any space separator or
    invisible format character (no-break spaces, bidi marks, zero-width joiners) a space, any dash a hyphen.
    Each code point maps to exactly one, so indexes are kept."""

    def __missing__(self, codepoint: int) -> int:
        char = chr(codepoint)
        category = unicodedata.category(char)
        if category == "Nd":
            folded = ord("0") + unicodedata.decimal(char)
        elif category in ("Zs", "Cf"):
            folded = ord(" ")
        elif category == "Pd" or char == "\u2212":  # dashes and the minus sign
            folded = ord("-")
        else:
            folded = {"\uff0b": ord("+"), "\uff20": ord("@")}.get(char, codepoint)
        self[codepoint] = folded
        return folded


_SCAN_TABLE = _ScanTable()
_ANY_DIGIT = regex.compile(r"[0-9]")

# Not preceded / followed by a letter, digit or combining mark, nor glued to one by a hyphen.
_START = r"(?<![\p{L}\p{N}\p{M}\-])"
_END = r"(?![\p{L}\p{N}\p{M}]|-[\p{L}\p{N}])"


# -- phone numbers -----------------------------------------------------------------------------------------------


def _phones(scan: str, regions: tuple[str, ...]) -> Iterator[_Hit]:
    seen: set[tuple[int, int]] = set()
    for region in regions:
        for match in PhoneNumberMatcher(scan, region, leniency=Leniency.VALID):
            span = (match.start, match.end)
            if span in seen or _is_short_or_emergency(match.raw_string, match.number):
                continue
            seen.add(span)
            yield _Hit(
                PrivacyKind.PHONE,
                match.start,
                match.end,
                phonenumbers.format_number(match.number, PhoneNumberFormat.E164),
            )


def _is_short_or_emergency(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    digits = "".join(c for c in raw if c.isdigit())
    if digits in EMERGENCY_NUMBERS or phonenumbers.national_significant_number(number) in EMERGENCY_NUMBERS:
        return True
    international = raw.lstrip().startswith(("+", "00"))
    return not international and len(digits) <= _SHORT_CODE_MAX_DIGITS


# -- e-mail addresses --------------------------------------------------------------------------------------------

_EMAIL = regex.compile(
    r"(?<![\p{L}\p{N}\p{M}._%+\-@])"
    r"(?P<local>[\p{L}\p{N}_%+\-](?:[\p{L}\p{N}\p{M}._%+\-]*[\p{L}\p{N}\p{M}_%+\-])?)"
    r"@"
    r"(?P<domain>(?:[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}\-]*[\p{L}\p{N}\p{M}])?\.)+\p{L}[\p{L}\p{M}]+)"
    r"(?![\p{L}\p{N}\p{M}\-@]|\.[\p{L}\p{N}])"
)


def _emails(scan: str) -> Iterator[_Hit]:
    if "@" not in scan:
        return
    for match in _EMAIL.finditer(scan):
        value = f"{match['local'].casefold()}@{match['domain'].casefold()}"
        yield _Hit(PrivacyKind.EMAIL, match.start(), match.end(), value)


# -- IBAN --------------------------------------------------------------------------------------------------------

# Lengths from the SWIFT IBAN registry; a country not listed is not checked (and not flagged).
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_IBAN_START = regex.compile(r"(?<![\p{L}\p{N}\p{M}])(?P<country>[A-Za-z]{2})[0-9]{2}")


def _ibans(scan: str) -> Iterator[_Hit]:
    """Read exactly the country's length of letters and digits, single spaces allowed between them, so that a
    word after the IBAN is never taken for its last group."""
    size = len(scan)
    for match in _IBAN_START.finditer(scan):
        length = _IBAN_LENGTHS.get(match["country"].upper())
        if length is None:
            continue
        chars: list[str] = []
        i = match.start()
        while i < size and len(chars) < length:
            char = scan[i]
            if char.isascii() and char.isalnum():
                chars.append(char.upper())
            elif not (char == " " and i + 1 < size and scan[i + 1].isascii() and scan[i + 1].isalnum()):
                break
            i += 1
        if len(chars) != length or (i < size and (scan[i].isalnum() or unicodedata.category(scan[i]) == "Mn")):
            continue
        iban = "".join(chars)
        if _iban_checksum_ok(iban):
            yield _Hit(PrivacyKind.IBAN, match.start(), i, iban)


def _iban_checksum_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


# -- payment cards -----------------------------------------------------------------------------------------------

_DIGIT_RUN = regex.compile(r"[0-9]+(?:[ \-][0-9]+)*")
_DIGIT_GROUP = regex.compile(r"[0-9]+")
# How card numbers are grouped when they are not written in one block.
_CARD_GROUPINGS = frozenset({(4, 4, 4, 4, 3), (4, 4, 4, 4), (4, 6, 5), (4, 6, 4)})


def _cards(scan: str) -> Iterator[_Hit]:
    for run in _DIGIT_RUN.finditer(scan):
        before = scan[run.start() - 1] if run.start() else " "
        after = scan[run.end()] if run.end() < len(scan) else " "
        # A run glued to a letter or a decimal point is part of a code ("ID4111...") or of a decimal number.
        glued_before = before.isalpha() or before in ".,"
        glued_after = after.isalpha()
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(scan, run.start(), run.end())]
        i = 0
        while i < len(groups):
            taken = _card_at(scan, groups, i)
            if taken is None or (i == 0 and glued_before) or (i + taken == len(groups) and glued_after):
                i += 1
                continue
            digits = "".join(scan[s:e] for s, e in groups[i : i + taken])
            yield _Hit(PrivacyKind.PAYMENT_CARD, groups[i][0], groups[i + taken - 1][1], digits)
            i += taken


def _card_at(scan: str, groups: list[tuple[int, int]], i: int) -> int | None:
    """How many groups from `i` on form a card number (longest first), or None."""
    for count in (5, 4, 3, 1):
        window = groups[i : i + count]
        if len(window) != count:
            continue
        sizes = tuple(e - s for s, e in window)
        if count == 1 and not 13 <= sizes[0] <= 19:
            continue
        if count > 1 and sizes not in _CARD_GROUPINGS:
            continue
        digits = "".join(scan[s:e] for s, e in window)
        if _card_network_ok(digits) and _luhn_ok(digits):
            return count
    return None


def _card_network_ok(digits: str) -> bool:
    return digits[0] in "3456" or 2221 <= int(digits[:4]) <= 2720


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# -- IPv4 --------------------------------------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = regex.compile(rf"(?<![\p{{L}}\p{{N}}\p{{M}}.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\p{{L}}\p{{N}}\p{{M}}]|\.[0-9])")


_VERSION_BEFORE = regex.compile(r"(?:\b(?:version|ver|release|build|v)\.?|έκδοση)[ :]*$", regex.IGNORECASE)


def _ipv4s(scan: str) -> Iterator[_Hit]:
    for match in _IPV4.finditer(scan):
        if _VERSION_BEFORE.search(scan, max(0, match.start() - 12), match.start()):
            continue  # "version 3.2.1.0"
        yield _Hit(PrivacyKind.IP_ADDRESS, match.start(), match.end(), match[0])


# -- vehicle plates ----------------------------------------------------------------------------------------------

# Greek plates use only the capitals that look the same in Latin script; people type either.
_GREEK_TO_LATIN = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")
_GREEK_PLATE_LETTERS = "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧABEZHIKMNOPTYX"

# Common two-letter words that would make all-capital text look like a spaced German plate ("UP TO 300").
_NOT_PLATE_PAIRS = frozenset({
    "AM", "AN", "AS", "AT", "AU", "BE", "BY", "CA", "DE", "DO", "DU", "EN", "ES", "ET", "GO", "IM", "IN", "IS",
    "IT", "LA", "LE", "NO", "NR", "OF", "ON", "OR", "PM", "SO", "ST", "TO", "UM", "UN", "UP", "VS", "WE", "ZU",
    "CM", "KG", "KM", "MM",
})  # fmt: skip
# Common three-letter words that would make all-capital text look like a spaced plate ("PM10 AND PM2.5",
# "UND KM 135").
_NOT_PLATE_TRIPLES = frozenset({
    "AND", "ARE", "BUT", "DAS", "DER", "DES", "DIE", "FOR", "MPH", "NOT", "PAR", "PER", "SUR", "THE", "UND", "UNE",
    "VIA", "YOU",
})  # fmt: skip

_PLATES: tuple[tuple[str, regex.Pattern[str]], ...] = tuple(
    (name, regex.compile(_START + pattern + _END))
    for name, pattern in (
        ("GR", rf"(?P<letters>[{_GREEK_PLATE_LETTERS}]{{3}})-(?P<digits>[1-9][0-9]{{3}})"),
        ("DE", r"(?P<district>[A-ZÄÖÜ]{1,3})-(?P<letters>[A-Z]{1,2}) ?(?P<digits>[1-9][0-9]{0,3}[EH]?)"),
        ("DE spaced", r"(?P<district>[A-ZÄÖÜ]{1,3}) (?P<letters>[A-Z]{2}) (?P<digits>[1-9][0-9]{0,3}[EH]?)"),
        ("FR", r"(?P<left>[A-HJ-NP-TV-Z]{2})-(?P<digits>[0-9]{3})-(?P<right>[A-HJ-NP-TV-Z]{2})"),
        # area letters (no I, Q, Z), age identifier (March 02-49, September 51-79), three letters (no I, Q)
        (
            "GB",
            r"(?P<area>[A-HJ-PR-Y]{2})(?P<age>0[2-9]|[1-4][0-9]|5[1-9]|[67][0-9])"
            r"(?P<space> ?)(?P<letters>[A-HJ-PR-Z]{3})",
        ),
        # district, hyphen for the coat of arms, digits then letters (no Q)
        (
            "AT",
            r"(?P<district>[A-Z]{1,2})-(?P<digits>[1-9][0-9]{0,4})"
            r"(?: (?P<spaced>[A-PR-Z]{1,3})|(?P<letters>[A-PR-Z]{1,3}))",
        ),
    )
)


def _plates(scan: str) -> Iterator[_Hit]:
    for name, pattern in _PLATES:
        for match in pattern.finditer(scan):
            value = _plate_value(name, match)
            if value is not None:
                yield _Hit(PrivacyKind.VEHICLE_PLATE, match.start(), match.end(), value)


def _plate_value(name: str, match: regex.Match[str]) -> str | None:
    """The plate as one canonical string (Latin capitals, groups joined by "-"), or None when it is a lookalike."""
    if name == "GR":
        return f"{match['letters'].translate(_GREEK_TO_LATIN)}-{match['digits']}"
    if name in ("DE", "DE spaced"):
        if name == "DE spaced" and (match["letters"] in _NOT_PLATE_PAIRS or match["district"] in _NOT_PLATE_TRIPLES):
            return None
        if len(match["district"]) + len(match["letters"]) < 3:
            return None  # "B-C 12" is a range of sections; plates with two letters in all are rare vanity plates
        if len(match["district"]) + len(match["letters"]) + len(match["digits"].rstrip("EH")) > 8:
            return None  # a German plate has at most eight letters and digits
        return f"{match['district']}-{match['letters']}-{match['digits']}"
    if name == "FR":
        return None if match["digits"] == "000" else f"{match['left']}-{match['digits']}-{match['right']}"
    if name == "GB":
        if match["space"] and match["letters"] in _NOT_PLATE_TRIPLES:
            return None
        return f"{match['area']}{match['age']}{match['letters']}"
    letters = match["spaced"] or match["letters"]  # AT
    if not 4 <= len(match["digits"]) + len(letters) <= 6:
        return None  # Austrian serials have four to six characters: "F-16C" is an aircraft
    three_after_many = len(letters) == 3 and len(match["digits"]) > 1
    if match["spaced"] and (letters in _NOT_PLATE_PAIRS | _NOT_PLATE_TRIPLES or three_after_many):
        return None  # three letters after a space only in the old one-digit scheme: "A-320 NEO" is an aircraft
    return f"{match['district']}-{match['digits']}-{letters}"
