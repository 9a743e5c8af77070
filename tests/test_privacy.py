"""Personal data in drafts: what is flagged, what deliberately is not, spans, stable keys, messages and speed."""

import dataclasses
import itertools
import sys
import time
from collections.abc import Callable

import pytest

from crowdops.domain.privacy import (
    DEFAULT_REGIONS,
    EMERGENCY_NUMBERS,
    PrivacyFlag,
    PrivacyKind,
    find_personal_data,
)

PHONE, EMAIL, PLATE = PrivacyKind.PHONE, PrivacyKind.EMAIL, PrivacyKind.VEHICLE_PLATE
IBAN, CARD, IP = PrivacyKind.IBAN, PrivacyKind.PAYMENT_CARD, PrivacyKind.IP_ADDRESS


def only(text: str, **kwargs: object) -> PrivacyFlag:
    """The single flag in `text`, checked to point at its own excerpt."""
    flags = find_personal_data(text, **kwargs)  # type: ignore[arg-type]
    assert len(flags) == 1, flags
    flag = flags[0]
    assert text[flag.start : flag.end] == flag.excerpt
    return flag


def keys(text: str, **kwargs: object) -> list[str]:
    return [flag.key for flag in find_personal_data(text, **kwargs)]  # type: ignore[arg-type]


# -- basics -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\t", "Road closed, use the north exit.", "Οδός κλειστή.", "الطريق مغلق"])
def test_text_without_personal_data_gives_no_flags(text: str) -> None:
    assert find_personal_data(text) == []


def test_kinds_are_stable_slugs_with_labels() -> None:
    assert [kind.value for kind in PrivacyKind] == [
        "phone",
        "email",
        "vehicle-plate",
        "iban",
        "payment-card",
        "ip-address",
    ]
    assert all(kind.label for kind in PrivacyKind)


def test_a_flag_is_frozen() -> None:
    flag = only("Call +30 210 123 4567")
    with pytest.raises(dataclasses.FrozenInstanceError):
        flag.start = 0  # type: ignore[misc]


def test_default_regions() -> None:
    assert DEFAULT_REGIONS == ("GR", "DE", "FR", "GB", "AT")


# -- phone numbers ----------------------------------------------------------------------------------------------


def test_international_number_with_span_key_and_message() -> None:
    text = "Call +30 210 123 4567 now"
    flag = only(text)
    assert (flag.kind, flag.start, flag.end, flag.excerpt) == (PHONE, 5, 21, "+30 210 123 4567")
    assert flag.key == "phone:+302101234567"
    assert flag.message == "Looks like a phone number (+30 210 123 4567): a private number must not be published."


@pytest.mark.parametrize(
    ("text", "excerpt", "key"),
    [
        ("Τηλέφωνο: 210 123 4567.", "210 123 4567", "phone:+302101234567"),
        ("Κινητό 6912345678", "6912345678", "phone:+306912345678"),
        ("Tel. 030 1234567", "030 1234567", "phone:+49301234567"),
        ("Appelez le 01 23 45 67 89", "01 23 45 67 89", "phone:+33123456789"),
        ("Ring 020 7946 0958", "020 7946 0958", "phone:+442079460958"),
        ("Tel +43 1 5313 3000", "+43 1 5313 3000", "phone:+43153133000"),
        ("Tel 0030 210 1234567", "0030 210 1234567", "phone:+302101234567"),
        ("Tel +30-210-1234567", "+30-210-1234567", "phone:+302101234567"),
        ("Tel (210) 123-4567", "(210) 123-4567", "phone:+302101234567"),
        ("tel:+302101234567", "+302101234567", "phone:+302101234567"),
        ("Call +44 20 7946 0958.", "+44 20 7946 0958", "phone:+442079460958"),
    ],
)
def test_phone_numbers_of_the_default_regions(text: str, excerpt: str, key: str) -> None:
    flag = only(text)
    assert (flag.kind, flag.excerpt, flag.key) == (PHONE, excerpt, key)


@pytest.mark.parametrize("regions", [("GR",), (), ("DE", "AT")])
def test_international_numbers_are_found_whatever_the_regions(regions: tuple[str, ...]) -> None:
    text = "Family contact +98 912 345 6789 and +90 532 123 45 67"
    assert keys(text, regions=regions) == ["phone:+989123456789", "phone:+905321234567"]


def test_a_number_read_by_several_regions_is_flagged_once_by_the_first() -> None:
    text = "Ruf 0171 1234567 an"  # valid in Germany and in Austria
    assert keys(text) == ["phone:+491711234567"]
    assert keys(text, regions=("AT", "DE")) == ["phone:+431711234567"]


def test_national_numbers_only_for_the_given_regions() -> None:
    assert keys("call 210 123 4567", regions=("DE",)) == []
    assert keys("call 210 123 4567", regions=("GR",)) == ["phone:+302101234567"]


def test_regions_are_checked_and_a_single_string_is_one_region() -> None:
    assert keys("call 210 123 4567", regions="gr") == ["phone:+302101234567"]
    with pytest.raises(ValueError, match="XX"):
        find_personal_data("text", regions=("XX",))


@pytest.mark.parametrize(
    ("text", "excerpt", "key"),
    [
        # Arabic-Indic digits, alone and inside an Arabic sentence
        ("+٣٠ ٢١٠ ١٢٣ ٤٥٦٧", "+٣٠ ٢١٠ ١٢٣ ٤٥٦٧", "phone:+302101234567"),
        ("اتصل على +٣٠ ٢١٠ ١٢٣ ٤٥٦٧ الآن", "+٣٠ ٢١٠ ١٢٣ ٤٥٦٧", "phone:+302101234567"),
        ("اتصل على +30 210 123 4567 الآن", "+30 210 123 4567", "phone:+302101234567"),
        # Persian (extended Arabic-Indic) digits
        ("با شماره +۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹ تماس بگیرید", "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", "phone:+989123456789"),
        ("شماره ۲۱۰ ۱۲۳ ۴۵۶۷", "۲۱۰ ۱۲۳ ۴۵۶۷", "phone:+302101234567"),
        # mixed digits, no-break and narrow no-break spaces, bidi marks around the number
        ("+30 ٢١٠ 123 ۴۵۶۷", "+30 ٢١٠ 123 ۴۵۶۷", "phone:+302101234567"),
        ("Tel\u00a0+30\u00a0210\u202f123\u00a04567", "+30\u00a0210\u202f123\u00a04567", "phone:+302101234567"),
        ("\u200f+30 210 123 4567\u200f", "+30 210 123 4567", "phone:+302101234567"),
        # full-width digits and plus
        ("＋３０ ２１０ １２３ ４５６７", "＋３０ ２１０ １２３ ４５６７", "phone:+302101234567"),
    ],
)
def test_phone_numbers_in_other_scripts_and_digits(text: str, excerpt: str, key: str) -> None:
    flag = only(text)
    assert (flag.kind, flag.excerpt, flag.key) == (PHONE, excerpt, key)


@pytest.mark.parametrize(
    "text",
    [
        "Start at 14:30",
        "Start at 14.30",
        "Between 10:00 and 18:00",
        "14:30–16:00",
        "On 2026-05-01",
        "On 01.05.2026",
        "On 1/5/2026",
        "2026-05-01T14:30:00Z",
        "12.05.2026 - 14.05.2026",
        "May 1, 2026, 14:30-16:30",
        "In 2026",
        "Gate 12",
        "Gate 12, Sector 3, Row 45, Seat 678",
        "300 people",
        "About 12,000 people",
        "About 10 000 people",
        "25.000 Teilnehmer",
        "1.500.000 euros",
        "3,000-5,000 people",
        "route 66",
        "Stadiou 5, 10562 Athina",
        "10558 Athens",
        "Hauptstraße 12, 10115 Berlin",
        "75001 Paris",
        "1010 Wien",
        "London SW1A 1AA",
        "Meet at 37.9755, 23.7348",
        "ISBN 978-3-16-148410-0",
        "fans 1200 and 3400",
        "Συγκέντρωση 300 ατόμων στις 14:30 στη Θύρα 12",
        "تجمع ٣٠٠ شخص الساعة ١٤:٣٠",
    ],
)
def test_times_dates_counts_and_addresses_are_not_phone_numbers(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize("number", sorted(EMERGENCY_NUMBERS))
def test_emergency_numbers_are_not_flagged(number: str) -> None:
    assert find_personal_data(f"In an emergency call {number}.") == []


def test_emergency_numbers_and_hotlines_together_are_not_flagged() -> None:
    assert {"112", "100", "166", "199", "110", "17", "15", "18", "999", "911"} == EMERGENCY_NUMBERS
    for text in [
        "Call 112, 100 or 166. Fire 199. Polizei 110. SAMU 15, police 17, pompiers 18. UK 999, US 911.",
        "Σε έκτακτη ανάγκη καλέστε 112 ή 100",
        "Missing children: 116 000. Child helpline 116111. Info 1020.",
        "Call +30 112",
    ]:
        assert find_personal_data(text) == [], text


def test_an_emergency_number_next_to_a_private_one_leaves_only_the_private_one() -> None:
    assert keys("Call 112 or the owner on 6912345678") == ["phone:+306912345678"]


# -- e-mail -----------------------------------------------------------------------------------------------------


def test_email_span_key_and_message() -> None:
    text = "Write to Anna.Example+demo@Example.GR."
    flag = only(text)
    assert (flag.kind, flag.excerpt) == (EMAIL, "Anna.Example+demo@Example.GR")
    assert flag.key == "email:anna.example+demo@example.gr"
    assert flag.message == (
        "Looks like an e-mail address (Anna.Example+demo@Example.GR): a private address must not be published."
    )


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("press@police.gr", "press@police.gr"),
        ("(first.last@mail.example.co.uk)", "first.last@mail.example.co.uk"),
        ("Στείλτε στο ελληνικά@παράδειγμα.ελ σήμερα", "ελληνικά@παράδειγμα.ελ"),
        ("راسلنا على info@example.org شكرا", "info@example.org"),
        ("mail 6912345678@example.gr", "6912345678@example.gr"),
    ],
)
def test_email_addresses(text: str, excerpt: str) -> None:
    flag = only(text)
    assert (flag.kind, flag.excerpt) == (EMAIL, excerpt)


@pytest.mark.parametrize(
    "text",
    ["user@localhost", "Follow @police_hellas", "meet @ 14:30", "a@b", "5 @ 3 euro", "@@@", "x@.gr", "x@gr."],
)
def test_not_email_addresses(text: str) -> None:
    assert find_personal_data(text) == []


# -- vehicle plates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "excerpt", "key"),
    [
        ("Όχημα ΙΚΑ-1234 στάθμευσε", "ΙΚΑ-1234", "vehicle-plate:IKA-1234"),
        ("Vehicle IKA-1234 parked", "IKA-1234", "vehicle-plate:IKA-1234"),
        ("Όχημα ΥΧΕ–9876.", "ΥΧΕ–9876", "vehicle-plate:YXE-9876"),
        ("Kennzeichen B-AB 1234", "B-AB 1234", "vehicle-plate:B-AB-1234"),
        ("Kennzeichen M AB 123", "M AB 123", "vehicle-plate:M-AB-123"),
        ("Kennzeichen M-AB123", "M-AB123", "vehicle-plate:M-AB-123"),
        ("Kennzeichen TÖL-BA 218", "TÖL-BA 218", "vehicle-plate:TÖL-BA-218"),
        ("Kennzeichen OF-PS 309E", "OF-PS 309E", "vehicle-plate:OF-PS-309E"),
        ("Véhicule AB-123-CD garé", "AB-123-CD", "vehicle-plate:AB-123-CD"),
        ("Car AB12 CDE parked", "AB12 CDE", "vehicle-plate:AB12CDE"),
        ("Car BD51SMR parked", "BD51SMR", "vehicle-plate:BD51SMR"),
        ("Kennzeichen W-12345A", "W-12345A", "vehicle-plate:W-12345-A"),
        ("Kennzeichen W-12345 A", "W-12345 A", "vehicle-plate:W-12345-A"),
        ("Kennzeichen GU-123 AB", "GU-123 AB", "vehicle-plate:GU-123-AB"),
        ("Kennzeichen FK-1 ABC", "FK-1 ABC", "vehicle-plate:FK-1-ABC"),
    ],
)
def test_vehicle_plates(text: str, excerpt: str, key: str) -> None:
    flag = only(text)
    assert (flag.kind, flag.excerpt, flag.key) == (PLATE, excerpt, key)
    assert flag.message == (
        f"Looks like a vehicle plate ({excerpt}): it identifies the owner and must not be published."
    )


@pytest.mark.parametrize(
    "text",
    [
        "ΚΑΙ 2000 ΑΤΟΜΑ",  # Greek capitals: "and 2000 people"
        "ΙΚΑ 1234",  # no hyphen: not read as a Greek plate
        "ika-1234",  # lowercase
        "UP TO 300 PEOPLE",
        "GO TO 12",
        "BUS NO 7",
        "BIS ZU 300 PERSONEN",
        "A-1010 Wien",  # Austrian postal code
        "A-1010 WIEN",
        "D-10115 Berlin",
        "F-16C",
        "A-320 NEO",
        "F-16 AND F-35",
        "PM10 AND PM2.5",
        "London SW1A 1AA",
        "EC1A 1BB",
        "COVID-19",
        "A1 motorway, exit A8",
        "GATE B 12",
        "AT 14:30 UHR",
        "AB-000-CD",
        "AI12 ABC",  # I is never an area letter in the UK
        "ABC-0123",  # a Greek plate does not start with 0
        "B-AB 12345",  # five digits
        "X-IKA-1234-Y",  # part of a longer code
        "Flight LH1234",
        "Abschnitt B-C 12 Uhr",  # a range of sections
        "STAU ZWISCHEN KM 120 UND KM 135",
    ],
)
def test_not_vehicle_plates(text: str) -> None:
    assert find_personal_data(text) == []


def test_greek_and_latin_spellings_of_a_plate_share_a_key() -> None:
    assert keys("ΙΚΑ-1234, IKA-1234, ΙKA-1234") == ["vehicle-plate:IKA-1234"] * 3


def test_different_german_plates_with_the_same_characters_have_different_keys() -> None:
    assert keys("B-AB 123 and BA-B 123") == ["vehicle-plate:B-AB-123", "vehicle-plate:BA-B-123"]


# -- IBAN -------------------------------------------------------------------------------------------------------


GR_IBAN = "GR1601101250000000012300695"


@pytest.mark.parametrize(
    ("text", "excerpt", "key"),
    [
        ("GR16 0110 1250 0000 0001 2300 695 OK", "GR16 0110 1250 0000 0001 2300 695", GR_IBAN),
        ("IBAN: DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("IBAN DE89370400440532013000", "DE89370400440532013000", "DE89370400440532013000"),
        ("IBAN AT61 1904 3002 3457 3201", "AT61 1904 3002 3457 3201", "AT611904300234573201"),
        ("IBAN GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
        ("IBAN FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("iban de89 3704 0044 0532 0130 00", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("Λογαριασμός GR16\u00a00110\u00a01250\u00a00000\u00a00001\u00a02300\u00a0695", None, GR_IBAN),
    ],
)
def test_ibans(text: str, excerpt: str | None, key: str) -> None:
    flag = only(text)
    assert flag.kind == IBAN
    assert flag.key == f"iban:{key}"
    if excerpt is not None:
        assert flag.excerpt == excerpt


@pytest.mark.parametrize(
    "text",
    [
        "GR17 0110 1250 0000 0001 2300 695",  # wrong check digits
        "DE89 3704 0044 0532 0130 01",  # one digit changed
        "DE89 3704 0044 0532 0130 0",  # too short for Germany
        "DE89 3704 0044 0532 0130 001",  # too long
        "XX12 3456 7890 1234 5678",  # no such country
        "GR16  0110 1250 0000 0001 2300 695",  # two spaces: the groups are not one number
    ],
)
def test_not_ibans(text: str) -> None:
    assert [flag.kind for flag in find_personal_data(text) if flag.kind == IBAN] == []


def test_an_iban_is_not_also_flagged_as_a_phone_number() -> None:
    assert [flag.kind for flag in find_personal_data("GR16 0110 1250 0000 0001 2300 695")] == [IBAN]


# -- payment cards ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "excerpt", "digits"),
    [
        ("Card 4111 1111 1111 1111", "4111 1111 1111 1111", "4111111111111111"),
        ("Card 4111-1111-1111-1111.", "4111-1111-1111-1111", "4111111111111111"),
        ("Card 4111111111111111", "4111111111111111", "4111111111111111"),
        ("Card 4111 1111 1111 1111 12/28", "4111 1111 1111 1111", "4111111111111111"),
        ("Amex 3782 822463 10005", "3782 822463 10005", "378282246310005"),
        ("Amex 378282246310005", "378282246310005", "378282246310005"),
        ("MC 5555 5555 5555 4444", "5555 5555 5555 4444", "5555555555554444"),
        ("MC 2221 0000 0000 0009", "2221 0000 0000 0009", "2221000000000009"),
        ("Discover 6011 1111 1111 1117", "6011 1111 1111 1117", "6011111111111117"),
        ("بطاقة ٤١١١ ١١١١ ١١١١ ١١١١", "٤١١١ ١١١١ ١١١١ ١١١١", "4111111111111111"),
        ("Ref12 4111 1111 1111 1111", "4111 1111 1111 1111", "4111111111111111"),
        ("Seat 12 4111 1111 1111 1111 ok", "4111 1111 1111 1111", "4111111111111111"),
    ],
)
def test_payment_cards(text: str, excerpt: str, digits: str) -> None:
    flag = only(text)
    assert (flag.kind, flag.excerpt, flag.key) == (CARD, excerpt, f"payment-card:{digits}")


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn fails
        "1111 1111 1111 1117",  # passes Luhn, but no card network starts with 1
        "411 111 111 111 111 1",  # grouped in threes: not written like a card
        "ID4111111111111111",  # part of a code
        "411111111111",  # twelve digits
        "1,4111111111111111",  # part of a decimal number
    ],
)
def test_not_payment_cards(text: str) -> None:
    assert [flag for flag in find_personal_data(text) if flag.kind == CARD] == []


# -- IP addresses -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [("From 192.168.1.10.", "192.168.1.10"), ("IP:10.0.0.1", "10.0.0.1"), ("(255.255.255.255)", "255.255.255.255")],
)
def test_ip_addresses(text: str, excerpt: str) -> None:
    flag = only(text)
    assert (flag.kind, flag.excerpt, flag.key) == (IP, excerpt, f"ip-address:{excerpt}")


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3.256",
        "v1.2.3.4",
        "1.2.3.4.5",
        "01.05.2026",
        "10.0.0",
        "version 2.4.1",
        "01.02.03.04",
        "Version 3.2.1.0 of the app",
        "App v. 1.0.0.12",
        "έκδοση 2.0.1.4",
    ],
)
def test_not_ip_addresses(text: str) -> None:
    assert find_personal_data(text) == []


# -- mixed text, spans, keys, messages --------------------------------------------------------------------------

MIXED = (
    "Συγκέντρωση 14:30 στη Θύρα 12 (300 άτομα). Call 112. 🚨 Owner of ΙΚΑ-1234: +30 210 123 4567 / anna@example.gr. "
    "اتصل ٠٦٩١٢٣٤٥٦٧٨ — IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, from 192.168.1.10, "
    "Kennzeichen B-AB 1234, AB-123-CD, AB12 CDE, W-12345A."
)


def test_mixed_text_finds_each_item_once_in_order_with_exact_spans() -> None:
    flags = find_personal_data(MIXED)
    assert [(flag.kind, flag.excerpt) for flag in flags] == [
        (PLATE, "ΙΚΑ-1234"),
        (PHONE, "+30 210 123 4567"),
        (EMAIL, "anna@example.gr"),
        (PHONE, "٠٦٩١٢٣٤٥٦٧٨"),
        (IBAN, "DE89 3704 0044 0532 0130 00"),
        (CARD, "4111 1111 1111 1111"),
        (IP, "192.168.1.10"),
        (PLATE, "B-AB 1234"),
        (PLATE, "AB-123-CD"),
        (PLATE, "AB12 CDE"),
        (PLATE, "W-12345A"),
    ]
    for flag in flags:
        assert MIXED[flag.start : flag.end] == flag.excerpt
    for before, after in itertools.pairwise(flags):
        assert before.end <= after.start


def test_spans_are_indexes_into_the_text_as_given() -> None:
    # The emoji is one code point for Python; start/end are code-point indexes (a Qt caller converts to UTF-16).
    text = "🚨🚨 Call +30 210 123 4567"
    flag = only(text)
    assert (flag.start, flag.end) == (8, 24)


def test_messages_are_one_plain_sentence_naming_the_excerpt() -> None:
    for flag in find_personal_data(MIXED):
        assert flag.message.startswith("Looks like ")
        assert f"({flag.excerpt})" in flag.message
        assert flag.message.endswith(".")
        assert "\n" not in flag.message
        assert flag.message.count(". ") == 0


def test_keys_stay_the_same_when_the_text_around_is_edited() -> None:
    before = {flag.kind: flag.key for flag in find_personal_data(MIXED)}
    edited = "URGENT UPDATE. " + MIXED.replace("Συγκέντρωση", "Νέα συγκέντρωση").replace("Call 112.", "") + " Thanks."
    after = {flag.kind: flag.key for flag in find_personal_data(edited)}
    assert after == before
    assert before[PHONE] == "phone:+496912345678"  # the last phone of that kind: the Arabic-Indic one, read as DE


@pytest.mark.parametrize(
    "variants",
    [
        ["+30 210 123 4567", "210 123 4567", "0030 210 1234567", "+30-210-1234567", "+٣٠ ٢١٠ ١٢٣ ٤٥٦٧"],
        ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000"],
        ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"],
        ["B-AB 1234", "B AB 1234", "B-AB1234"],
        ["AB12 CDE", "AB12CDE"],
        ["Press@Police.gr", "press@police.gr"],
    ],
)
def test_one_value_written_differently_has_one_key(variants: list[str]) -> None:
    found = {key for variant in variants for key in keys(f"Contact: {variant} today")}
    assert len(found) == 1, found


def test_the_same_value_twice_gives_two_flags_with_one_key() -> None:
    flags = find_personal_data("Call 6912345678 or 6912345678.")
    assert [flag.start for flag in flags] == [5, 19]
    assert flags[0].key == flags[1].key


# -- speed: measured as work (Python calls), not as wall-clock time --------------------------------------------


def count_calls(function: Callable[[], object]) -> int:
    calls = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        function()
    finally:
        sys.setprofile(previous)
    return calls


def test_long_text_is_scanned_in_linear_work() -> None:
    chunk = "Gate 12 at 14:30, 300 people. Call +30 210 123 4567 or a.b@example.gr, ΙΚΑ-1234. اتصل ٠٦٩١٢٣٤٥٦٧٨ "
    short, long = chunk * 11, chunk * 110
    assert len(long) >= 10_000
    assert len(find_personal_data(long)) == 10 * len(find_personal_data(short)) == 440
    work_short = count_calls(lambda: find_personal_data(short))
    work_long = count_calls(lambda: find_personal_data(long))
    assert work_long <= 15 * work_short  # linear, not quadratic
    assert work_long < 2_000_000  # generous: about 260,000 when written


@pytest.mark.parametrize(
    "text",
    [
        "1" * 10_000,
        "1 " * 5_000,
        "1." * 5_000,
        "a" * 10_000,
        "a@" * 5_000,
        "x" * 9_990 + "@a.b",
        "x@" + "a" * 9_990 + ".",
        "A-" * 5_000,
        "AB " * 3_333,
        "GR16 " * 2_000,
        "٠" * 10_000,
        "+" * 10_000,
    ],
)
def test_pathological_long_text_stays_cheap(text: str) -> None:
    started = time.process_time()
    work = count_calls(lambda: find_personal_data(text))
    assert work < 2_000_000
    # The regular expressions run in C, where calls are not counted: bound their CPU time very generously.
    assert time.process_time() - started < 10
