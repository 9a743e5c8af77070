"""The platforms' own conformance data against crowdops.domain.text. When a case fails, the counter is wrong.

Each case is its own test. After each file's cases, a check asserts that as many ran as the file holds, so a section
that the loader silently dropped (or a renamed one) fails instead of passing with fewer cases.
"""

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from crowdops.domain.text import (
    BLUESKY_BYTE_LIMIT,
    BLUESKY_GRAPHEME_LIMIT,
    X_CONFIG_V2,
    X_CONFIG_V3,
    TwitterTextConfig,
    mastodon_countable_text,
    measure,
    utf16_length,
    x_weighted_length,
)

DATA = Path(__file__).resolve().parent / "data" / "conformance"
VALIDATE_YML = DATA / "twitter-text" / "validate.yml"
RICHTEXT = DATA / "bluesky" / "richtext-cases.json"
MASTODON = DATA / "mastodon" / "status-length-cases.json"

# Cases that ran, per suite; the count checks compare them with the files.
_RAN: Counter[str] = Counter()


def _slug(description: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", description.lower()).strip("-")[:60] or "symbol"


def _assert_all_ran(request: pytest.FixtureRequest, suite: str, tests: dict[str, int], in_file: int) -> None:
    """`tests`: the case tests of this suite and how many cases each was given."""
    assert sum(tests.values()) == in_file, f"the loader gave {sum(tests.values())} of the {in_file} {suite} cases"
    selected = sum(
        1
        for item in request.session.items
        if getattr(item, "originalname", None) in tests and item.module.__name__ == __name__  # type: ignore[attr-defined]
    )
    if selected < in_file:
        pytest.skip(f"only {selected} of the {in_file} {suite} cases were selected")
    assert _RAN[suite] == in_file, f"{in_file - _RAN[suite]} of the {in_file} {suite} cases did not run to the end"


# -- twitter-text: validate.yml ---------------------------------------------------------------------------------

# The sections with weighted lengths, the config each was written for, and how many cases the shared README says
# each has. A new section with weighted lengths fails the loader until it is added here.
X_SECTIONS: dict[str, tuple[TwitterTextConfig, int]] = {
    "WeightedTweetsCounterTest": (X_CONFIG_V2, 20),
    "WeightedTweetsWithDiscountedEmojiCounterTest": (X_CONFIG_V3, 22),
    "UnicodeDirectionalMarkerCounterTest": (X_CONFIG_V3, 2),
}


def _x_cases() -> list[Any]:
    cases = []
    for section, entries in yaml.safe_load(VALIDATE_YML.read_text(encoding="utf-8"))["tests"].items():
        for index, entry in enumerate(entries):
            if isinstance(entry.get("expected"), dict) and "weightedLength" in entry["expected"]:
                config, _ = X_SECTIONS[section]
                name = f"{section}-{index:02d}-{_slug(entry['description'])}"
                cases.append(pytest.param(section, config, entry, id=name))
    return cases


X_CASES = _x_cases()


@pytest.mark.parametrize(("section", "config", "case"), X_CASES)
def test_x_weighted_length(section: str, config: TwitterTextConfig, case: dict[str, Any]) -> None:
    expected = case["expected"]
    assert x_weighted_length(case["text"], config) == expected["weightedLength"]
    if config is X_CONFIG_V3:  # what measure() uses for X
        measured = measure(case["text"], "x")
        assert measured.length == expected["weightedLength"]
        assert measured.ok == (expected["weightedLength"] <= 280)
        if expected["valid"]:  # a valid tweet always fits (invalid ones may be too long or hold a U+FFFF)
            assert measured.ok
    _RAN["twitter-text"] += 1


def test_every_x_weighted_length_case_ran(request: pytest.FixtureRequest) -> None:
    raw = VALIDATE_YML.read_text(encoding="utf-8")
    in_file = raw.count("weightedLength:")  # counted without the YAML loader, which is what is being checked
    assert in_file == sum(count for _, count in X_SECTIONS.values()) == 44
    assert Counter(p.values[0] for p in X_CASES) == {name: count for name, (_, count) in X_SECTIONS.items()}
    _assert_all_ran(request, "twitter-text", {"test_x_weighted_length": len(X_CASES)}, in_file)


@pytest.mark.parametrize(
    ("config", "name"), [(X_CONFIG_V2, "config-v2.json"), (X_CONFIG_V3, "config-v3.json")], ids=["v2", "v3"]
)
def test_x_configs_match_twitter_text(config: TwitterTextConfig, name: str) -> None:
    data = json.loads((DATA / "twitter-text" / name).read_text(encoding="utf-8"))
    assert config.max_weighted_length == data["maxWeightedTweetLength"]
    assert config.scale == data["scale"]
    assert config.default_weight == data["defaultWeight"]
    assert config.transformed_url_length == data["transformedURLLength"]
    assert config.ranges == tuple((r["start"], r["end"], r["weight"]) for r in data["ranges"])
    assert config.emoji_parsing == data.get("emojiParsingEnabled", False)


# -- Bluesky: richtext-cases.json -------------------------------------------------------------------------------

BLUESKY_LENGTH_KINDS = ("graphemeLength", "richTextLength")
BLUESKY_FACET_KINDS = ("facetDetection", "hashtagDetection", "cashtagDetection")  # not about length: not run


def _bluesky_cases() -> list[Any]:
    data = json.loads(RICHTEXT.read_text(encoding="utf-8"))
    return [
        pytest.param(case, id=f"{kind}-{index:02d}-{_slug(ascii(case['text']))}")
        for kind in BLUESKY_LENGTH_KINDS
        for index, case in enumerate(data[kind])
    ]


BLUESKY_CASES = _bluesky_cases()


@pytest.mark.parametrize("case", BLUESKY_CASES)
def test_bluesky_length(case: dict[str, Any]) -> None:
    measured = measure(case["text"], "bluesky")
    assert measured.length == case["graphemes"]
    assert measured.bytes == case["utf8Bytes"]
    # The grapheme cases also give UTF-16 units and code points: Telegram's and Facebook's units.
    if "utf16Units" in case:
        assert utf16_length(case["text"]) == case["utf16Units"] == measure(case["text"], "telegram").length
    if "codepoints" in case:
        assert measure(case["text"], "facebook").length == case["codepoints"]
    _RAN["bluesky"] += 1


def test_every_bluesky_length_case_ran(request: pytest.FixtureRequest) -> None:
    data = json.loads(RICHTEXT.read_text(encoding="utf-8"))
    kinds = {key for key, value in data.items() if isinstance(value, list)}
    assert kinds == {*BLUESKY_LENGTH_KINDS, *BLUESKY_FACET_KINDS}, "a new kind of case: decide whether it is length"
    in_file = sum(len(data[kind]) for kind in BLUESKY_LENGTH_KINDS)
    skipped = sum(len(data[kind]) for kind in BLUESKY_FACET_KINDS)
    assert (in_file, skipped) == (15, 97)  # 112 in all, as the shared README says
    _assert_all_ran(request, "bluesky", {"test_bluesky_length": len(BLUESKY_CASES)}, in_file)


def test_bluesky_limits_match_the_post_lexicon() -> None:
    lexicon = json.loads((DATA / "bluesky" / "app.bsky.feed.post.lexicon.json").read_text(encoding="utf-8"))
    text = lexicon["defs"]["main"]["record"]["properties"]["text"]
    assert (text["maxGraphemes"], text["maxLength"]) == (BLUESKY_GRAPHEME_LIMIT, BLUESKY_BYTE_LIMIT)


# -- Mastodon: status-length-cases.json -------------------------------------------------------------------------


def _mastodon_cases(kind: str) -> list[Any]:
    data = json.loads(MASTODON.read_text(encoding="utf-8"))
    return [pytest.param(c, id=f"{index:02d}-{_slug(c['description'])}") for index, c in enumerate(data[kind])]


MASTODON_SERVER_CASES = _mastodon_cases("serverValidatorCases")
MASTODON_COUNTER_CASES = _mastodon_cases("webCounterCountableTextCases")


@pytest.mark.parametrize("case", MASTODON_SERVER_CASES)
def test_mastodon_server(case: dict[str, Any]) -> None:
    measured = measure(case["text"], "mastodon", limit=case["max_chars"], spoiler_text=case["spoiler_text"])
    assert measured.ok is not case["expect_over_limit"]
    if stated := re.search(r"= (\d+)$", case["note"]):  # some notes give the exact count ("= 482")
        assert measured.length == int(stated[1])
    _RAN["mastodon"] += 1


@pytest.mark.parametrize("case", MASTODON_COUNTER_CASES)
def test_mastodon_web_counter(case: dict[str, Any]) -> None:
    assert mastodon_countable_text(case["input"], web_composer=True) == case["expected_countable_text"]
    _RAN["mastodon"] += 1


def test_every_mastodon_case_ran(request: pytest.FixtureRequest) -> None:
    data = json.loads(MASTODON.read_text(encoding="utf-8"))
    server, counter = len(data["serverValidatorCases"]), len(data["webCounterCountableTextCases"])
    assert (server, counter) == (10, 14)
    tests = {
        "test_mastodon_server": len(MASTODON_SERVER_CASES),
        "test_mastodon_web_counter": len(MASTODON_COUNTER_CASES),
    }
    _assert_all_ran(request, "mastodon", tests, server + counter)
