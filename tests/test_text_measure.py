"""Platform text rules (crowdops.domain.text) and `crowdops measure`: limits at the edge, scripts, emoji, bad input.

The platforms' own conformance data is in test_conformance.py; these cases cover what it does not: every platform
at exactly its limit and one over, the scripts our messages are written in, and what we chose ourselves.
"""

import argparse
import io
import json
import re
import sys

import pytest

from crowdops.cli import commands_measure
from crowdops.cli.common import shared_options
from crowdops.domain.errors import ValidationError
from crowdops.domain.text import (
    PLATFORMS,
    X_CONFIG_V2,
    Measurement,
    grapheme_count,
    mastodon_countable_text,
    measure,
    x_weighted_length,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one emoji of 7 code points, 11 UTF-16 units, 25 bytes
TRANS_FLAG = "🏳️\u200d⚧️"
ARABIC = "أغلقت الشرطة الطريق"  # "the police closed the road"
FARSI = "پلیس خیابان را بست"  # "the police closed the street" (پ and ی are Farsi letters)
GREEK = "Η αστυνομία έκλεισε τον δρόμο"
CJK = "警察封锁了道路"
URL = "https://www.polizei.example.de/presse/meldungen/2026/demonstration-innenstadt"


# (platform, one unit of text, how many of them fill the limit exactly)
LIMIT_CASES = [
    pytest.param("x", "a", 280, id="x-latin"),
    pytest.param("x", "中", 140, id="x-cjk-weighs-2"),
    pytest.param("x", "😷", 140, id="x-emoji-weighs-2"),
    pytest.param("x", FAMILY, 140, id="x-zwj-family-weighs-2"),
    pytest.param("mastodon", "a", 500, id="mastodon-latin"),
    pytest.param("mastodon", TRANS_FLAG, 500, id="mastodon-zwj-flag-is-1"),
    pytest.param("bluesky", "a", 300, id="bluesky-graphemes"),
    pytest.param("bluesky", FAMILY, 120, id="bluesky-3000-bytes-in-120-graphemes"),
    pytest.param("telegram", "a", 4096, id="telegram-latin"),
    pytest.param("telegram", "😀", 2048, id="telegram-astral-is-2-units"),
    pytest.param("facebook", "a", 63206, id="facebook-latin"),
    pytest.param("facebook", "😀", 63206, id="facebook-astral-is-1"),
    pytest.param("webhook", "a", 65536, id="webhook-ascii"),
    pytest.param("webhook", "ä", 32768, id="webhook-2-byte-chars"),
    pytest.param("sandbox", "a", 280, id="sandbox-as-x"),
]


@pytest.mark.parametrize(("platform", "unit", "times"), LIMIT_CASES)
def test_exactly_at_the_limit_fits_and_one_more_does_not(platform: str, unit: str, times: int) -> None:
    at = measure(unit * times, platform)
    assert at.ok and at.fill == 1.0, at
    over = measure(unit * (times + 1), platform)
    assert not over.ok, over
    assert over.over + over.bytes_over > 0


def test_measurement_reports_unit_limit_and_excess() -> None:
    result = measure("a" * 290, "x")
    assert result == Measurement("x", 290, 280, "weighted characters")
    assert (result.ok, result.over, result.bytes_over) == (False, 10, 0)
    assert measure("", "x").ok  # empty fits; whether a post may be empty is not a length question


# -- X --------------------------------------------------------------------------------------------------------------


def test_x_weights_scripts_as_twitter_text_does() -> None:
    # Latin, Greek, Arabic, Farsi, Hebrew and Cyrillic lie in the weight-1 range; CJK counts 2 per character.
    for text in (GREEK, ARABIC, FARSI, "המשטרה סגרה את הכביש", "Полиция перекрыла дорогу"):
        assert measure(text, "x").length == len(text)
    assert measure(CJK, "x").length == 2 * len(CJK)
    assert measure("한국 경찰", "x").length == 9  # Hangul syllables 2 each, the space 1


def test_x_counts_emoji_as_two_in_v3_and_by_code_point_in_v2() -> None:
    assert x_weighted_length(FAMILY) == 2
    assert x_weighted_length(FAMILY, X_CONFIG_V2) == 2 * 4 + 3  # four people, three ZWJ (weight 1)
    assert x_weighted_length("👍🏽") == 2  # with a skin tone
    assert x_weighted_length("🇩🇪") == 2  # a flag: two regional indicators
    assert x_weighted_length("#️⃣") == 2  # a keycap
    assert x_weighted_length("©") == 1  # text presentation: a Latin-1 character, not an emoji
    assert x_weighted_length("©\ufe0f") == 2  # asked for as an emoji


def test_x_normalises_combining_marks_first() -> None:
    assert x_weighted_length("e\u0301") == 1  # NFC: é
    assert x_weighted_length("q\u0301") == 2  # no precomposed form: two characters of weight 1
    assert x_weighted_length("Ελλάδα") == x_weighted_length("Ελλα\u0301δα") == 6


def test_x_counts_every_link_as_23() -> None:
    assert measure(URL, "x").length == 23
    assert measure(f"Infos: {URL}.", "x").length == len("Infos: ") + 23 + 1  # the full stop is not the link's
    assert measure("polizei.example.de/lage", "x").length == 23  # no scheme: X links it all the same
    assert measure(f"{ARABIC} {URL}", "x").length == len(ARABIC) + 1 + 23  # RTL text around a link
    assert measure(f"{FARSI}\u200f {URL}", "x").length == len(FARSI) + 2 + 1 + 23  # RLM weighs 2
    text = "a" * 256 + " " + URL  # 257 + 23 = 280 although the text is far longer
    assert measure(text, "x").ok and measure(text + "!", "x").over == 1


def test_x_does_not_link_what_is_not_a_host() -> None:
    assert x_weighted_length("e.g. i.e.") == 9
    assert x_weighted_length("mail info@polizei.example.de") == len("mail info@polizei.example.de")
    assert x_weighted_length("https://" + "a" * 64 + ".com") == 8 + 64 + 4  # a DNS label has at most 63


# -- Mastodon -------------------------------------------------------------------------------------------------------


def test_mastodon_counts_graphemes_links_mentions_and_the_content_warning() -> None:
    assert measure(FAMILY * 3, "mastodon").length == 3
    assert measure(f"{GREEK} {URL}", "mastodon").length == len(GREEK) + 1 + 23
    assert measure("Danke @polizei@social.example.de", "mastodon").length == len("Danke @polizei")
    cw = "Polizeieinsatz"
    assert measure("a" * (500 - len(cw)), "mastodon", spoiler_text=cw).ok
    assert not measure("a" * (501 - len(cw)), "mastodon", spoiler_text=cw).ok


def test_mastodon_uses_the_instance_limit_when_given() -> None:
    assert not measure("a" * 501, "mastodon").ok
    assert measure("a" * 1000, "mastodon", limit=1000) == Measurement("mastodon", 1000, 1000, "characters")
    assert not measure("a" * 1001, "mastodon", limit=1000).ok


def test_mastodon_server_and_web_composer_differ_where_mastodon_does() -> None:
    # The server (authoritative) shortens only links with a scheme, and any @user@host.
    assert mastodon_countable_text("see example.com") == "see example.com"
    assert mastodon_countable_text("see example.com", web_composer=True) == "see " + "x" * 23
    assert mastodon_countable_text("@arnt@invalid") == "@arnt"
    assert mastodon_countable_text("@arnt@invalid", web_composer=True) == "@arnt@invalid"
    assert mastodon_countable_text("https://example.com/@user@example.com") == "x" * 23  # the link wins
    assert measure("   ", "mastodon").length == 0  # the server counts a blank text as empty


# -- Bluesky, Telegram, Facebook, webhook, sandbox --------------------------------------------------------------


def test_bluesky_limits_graphemes_and_bytes() -> None:
    assert grapheme_count("नमस्ते") == 3  # Unicode 15.1 conjuncts
    fits = measure(FAMILY * 119 + "a" * 25, "bluesky")  # 144 graphemes, exactly 3000 bytes
    assert (fits.length, fits.bytes, fits.ok) == (144, 3000, True)
    over = measure(FAMILY * 119 + "a" * 26, "bluesky")
    assert (over.ok, over.over, over.bytes_over) == (False, 0, 1)
    assert measure("a" * 301, "bluesky").over == 1
    assert measure("a" * 400, "bluesky", limit=500).ok  # a larger grapheme limit leaves the byte limit


def test_telegram_facebook_and_webhook_count_their_own_units() -> None:
    text = f"{ARABIC} {CJK} {FAMILY}"
    assert measure(text, "telegram").length == len(ARABIC) + 1 + len(CJK) + 1 + 11
    assert measure(text, "facebook").length == len(ARABIC) + 1 + len(CJK) + 1 + 7
    assert measure(text, "webhook").length == len(text.encode("utf-8"))


def test_sandbox_fits_only_what_fits_every_public_platform() -> None:
    short = measure("Übung: Straße gesperrt", "sandbox")
    assert short.ok and short.platform == "sandbox" and short.unit == "weighted characters as on x"
    # X counts the link as 23, but on Bluesky the long link is 350 graphemes of text.
    long_link = measure("https://example.org/" + "a" * 330, "sandbox")
    assert not long_link.ok and long_link.unit == "graphemes as on bluesky" and long_link.over == 50
    with pytest.raises(ValidationError, match="no limit of its own"):
        measure("a", "sandbox", limit=1000)


# -- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_lone_surrogate_is_a_validation_error_not_a_unicode_error(platform: str) -> None:
    with pytest.raises(ValidationError, match="invalid character at position 6"):
        measure("Hallo\ud83d Welt", platform)


def test_a_bad_content_warning_limit_or_type_is_refused_clearly() -> None:
    with pytest.raises(ValidationError, match="content warning has an invalid character"):
        measure("text", "mastodon", spoiler_text="\udc00")
    with pytest.raises(ValidationError, match="Only Mastodon has a content warning"):
        measure("text", "x", spoiler_text="cw")
    for bad in (0, -5, True):
        with pytest.raises(ValidationError, match="whole number of at least 1"):
            measure("text", "mastodon", limit=bad)
    with pytest.raises(TypeError):
        measure(b"bytes", "x")  # type: ignore[arg-type]


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(ValidationError) as raised:
        measure("text", "myspace")
    assert "'myspace'" in str(raised.value)
    assert all(name in str(raised.value) for name in PLATFORMS)
    assert measure("text", " X ").platform == "x"  # names are not case-sensitive


# -- crowdops measure -------------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    shared = shared_options()
    parser = argparse.ArgumentParser(prog="crowdops", parents=[shared])
    commands_measure.register(parser.add_subparsers(dest="command"), shared)
    args = parser.parse_args(argv)
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_cli_says_when_a_text_fits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "measure", "--platform", "mastodon", "Straße gesperrt")
    assert (code, out, err) == (0, "mastodon: 15 of 500 characters — fits\n", "")


def test_cli_says_how_far_over_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "measure", "--platform", "X", "中" * 150)
    assert code == 1
    assert out == "x: 300 of 280 weighted characters — 20 over the limit\n"
    assert err == "crowdops: the text does not fit on x: 20 over the limit.\n"


def test_cli_shows_bluesky_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "measure", "--platform", "bluesky", FAMILY * 121)
    assert code == 1
    assert out == "bluesky: 121 of 300 graphemes, 3025 of 3000 bytes — 25 bytes over the byte limit\n"


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "measure", "--json", "--platform", "mastodon", "--limit", "10", "--cw", "cw", "abc")
    assert code == 0
    assert json.loads(out) == {
        "platform": "mastodon",
        "length": 5,
        "limit": 10,
        "unit": "characters",
        "ok": True,
        "over": 0,
        "bytes": None,
        "byte_limit": None,
    }


def test_cli_reads_stdin_without_its_final_line_break(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_stdin(monkeypatch, "Ελλάδα\n".encode())
    code, out, _ = run(capsys, "measure", "--platform", "telegram", "-")
    assert (code, out) == (0, "telegram: 6 of 4096 UTF-16 code units — fits\n")


def test_cli_reports_undecodable_input_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_stdin(monkeypatch, b"ab\xffcd")
    code, out, err = run(capsys, "measure", "--platform", "facebook", "-")
    assert (code, out) == (1, "")
    assert err == "crowdops: The text has an invalid character at position 3; retype or re-paste it.\n"


def test_cli_names_the_platforms_when_one_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "measure", "--platform", "myspace", "text")
    assert (code, out) == (1, "")
    assert err.startswith("crowdops: Unknown platform 'myspace'; choose one of: x, mastodon,")
    assert re.split(r", | or ", commands_measure.PLATFORM_NAMES) == list(PLATFORMS)  # what --help lists
