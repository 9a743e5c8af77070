"""How long a message is on each platform, counted the way that platform counts, and whether it fits.

A post that is one unit too long is refused at the moment it matters, so each count follows the platform's own rule
(checked against the platforms' conformance data in tests/test_conformance.py):

| platform | what is counted                                                                     | default limit   |
| -------- | ----------------------------------------------------------------------------------- | --------------- |
| x        | weighted characters, twitter-text config v3: text NFC-normalised; code points in    | 280             |
|          | the Latin and general-punctuation ranges weigh 1, others 2; each URL 23; emoji 2    |                 |
| mastodon | grapheme clusters of content warning + text; each URL with a scheme 23;             | 500 (each       |
|          | @user@domain counts as @user (the server's rule, which is authoritative)            | instance's own) |
| bluesky  | grapheme clusters, and UTF-8 bytes                                                  | 300 and 3000    |
| telegram | UTF-16 code units                                                                   | 4096            |
| facebook | characters (code points)                                                            | 63206           |
| webhook  | UTF-8 bytes                                                                         | 65536           |
| sandbox  | every public platform above at once; reports the tightest                           | (theirs)        |

Our own choices:
- webhook: 65,536 bytes of UTF-8. The receiver is one we configure (an intranet page, a messenger bridge), and what
  receivers limit is the request body, in bytes; 64 KiB is far above any public message yet stops an accidental paste.
- sandbox: exercises publish only to the sandbox, and what trainees practise should be publishable for real; so a
  text fits the sandbox only if it fits X, Mastodon, Bluesky, Telegram and Facebook with their default limits. The
  measurement shown is the tightest of those, and its unit names the platform ("… as on x").

URLs (X and Mastodon) are found the way twitter-text finds them (Mastodon's server uses the same extractor), with
one simplification: twitter-text accepts only top-level domains from its list, we accept any alphabetic one (ASCII
letters, "xn--" punycode, or letters of another script), because a list goes stale while new domains keep coming.
So a dotted word such as "file.txt" counts as a link (23) where X may count 8: the safe side. Only a dotted word
longer than 23 characters whose ending is not a real domain would be undercounted, which messages hardly contain.
"""

import unicodedata
from dataclasses import dataclass, field, replace

import regex

from crowdops.domain.errors import ValidationError

PLATFORMS = ("x", "mastodon", "bluesky", "telegram", "facebook", "webhook", "sandbox")
# The platforms whose rules the sandbox applies together (webhook is ours, not a public platform).
SANDBOX_MIRRORS = ("x", "mastodon", "bluesky", "telegram", "facebook")

MASTODON_DEFAULT_LIMIT = 500
BLUESKY_GRAPHEME_LIMIT = 300
BLUESKY_BYTE_LIMIT = 3000
TELEGRAM_LIMIT = 4096
FACEBOOK_LIMIT = 63206
WEBHOOK_BYTE_LIMIT = 65536

# Both X and Mastodon count every link as this many characters, however long it is.
URL_LENGTH = 23


@dataclass(frozen=True)
class Measurement:
    """`length` in `unit` against `limit`; Bluesky also has a byte limit. `ok` is True only when every limit holds."""

    platform: str
    length: int
    limit: int
    unit: str
    bytes: int | None = None
    byte_limit: int | None = None
    ok: bool = field(init=False)

    def __post_init__(self) -> None:
        # Derived here, never passed in, so a Measurement cannot claim to fit while a limit is broken.
        fits = self.length <= self.limit and (self.byte_limit is None or (self.bytes or 0) <= self.byte_limit)
        object.__setattr__(self, "ok", fits)

    @property
    def over(self) -> int:
        """How many units over `limit` (0 when within it)."""
        return max(0, self.length - self.limit)

    @property
    def bytes_over(self) -> int:
        """How many bytes over `byte_limit` (0 when within it or when there is none)."""
        if self.byte_limit is None or self.bytes is None:
            return 0
        return max(0, self.bytes - self.byte_limit)

    @property
    def fill(self) -> float:
        """The larger share of a limit used: 1.0 is exactly full."""
        share = self.length / self.limit
        if self.byte_limit is not None and self.bytes is not None:
            share = max(share, self.bytes / self.byte_limit)
        return share


def measure(text: str, platform: str, *, limit: int | None = None, spoiler_text: str = "") -> Measurement:
    """Count `text` as `platform` does.

    `limit` replaces the platform's default limit where an account or instance has its own (a Mastodon instance's
    `configuration.statuses.max_characters`); for Bluesky it replaces the grapheme limit. `spoiler_text` is a
    Mastodon content warning, which counts towards the same limit.
    Raises ValidationError for an unknown platform, a bad limit, or text that is not valid Unicode.
    """
    name = platform.strip().lower() if isinstance(platform, str) else ""
    if name not in PLATFORMS:
        raise ValidationError(f"Unknown platform {platform!r}; choose one of: {', '.join(PLATFORMS)}.")
    _require_valid_text(text, "text")
    if spoiler_text:
        if name != "mastodon":
            raise ValidationError("Only Mastodon has a content warning; leave it empty for other platforms.")
        _require_valid_text(spoiler_text, "content warning")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError(f"A limit must be a whole number of at least 1, not {limit!r}.")
        if name == "sandbox":
            raise ValidationError("The sandbox applies each platform's own limit; it takes no limit of its own.")

    if name == "x":
        return Measurement(
            "x", x_weighted_length(text), limit or X_CONFIG_V3.max_weighted_length, "weighted characters"
        )
    if name == "mastodon":
        length = mastodon_length(text, spoiler_text=spoiler_text)
        return Measurement("mastodon", length, limit or MASTODON_DEFAULT_LIMIT, "characters")
    if name == "bluesky":
        return Measurement(
            "bluesky",
            grapheme_count(text),
            limit or BLUESKY_GRAPHEME_LIMIT,
            "graphemes",
            bytes=len(text.encode("utf-8")),
            byte_limit=BLUESKY_BYTE_LIMIT,
        )
    if name == "telegram":
        return Measurement("telegram", utf16_length(text), limit or TELEGRAM_LIMIT, "UTF-16 code units")
    if name == "facebook":
        return Measurement("facebook", len(text), limit or FACEBOOK_LIMIT, "characters")
    if name == "webhook":
        return Measurement("webhook", len(text.encode("utf-8")), limit or WEBHOOK_BYTE_LIMIT, "bytes")
    tightest = max((measure(text, p) for p in SANDBOX_MIRRORS), key=lambda m: m.fill)
    return replace(tightest, platform="sandbox", unit=f"{tightest.unit} as on {tightest.platform}")


def _require_valid_text(text: str, what: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"The {what} to measure must be a str, not {type(text).__name__}.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        # A lone surrogate (from a broken paste or undecodable input) cannot be sent to any platform.
        raise ValidationError(
            f"The {what} has an invalid character at position {error.start + 1}; retype or re-paste it."
        ) from None


# -- counting units ---------------------------------------------------------------------------------------------

_GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """Extended grapheme clusters, by the Unicode version of the `regex` package (15.1 rules or later)."""
    return sum(1 for _ in _GRAPHEME.finditer(text))


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- URLs, as twitter-text finds them ----------------------------------------------------------------------------

_MAX_URL_LENGTH = 4096  # longer "URLs" are not treated as links by twitter-text nor by Mastodon
_MAX_LABEL_LENGTH = 63  # DNS: a host whose punycode label is longer is not a host

_LATIN_ACCENTS = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268\u026F\u0272"
    r"\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_DIRECTIONAL_MARKS = r"\u202A-\u202E\u061C\u200E\u200F\u2066-\u2069"
_INVALID = r"\uFFFE\uFEFF\uFFFF"
# A host may use any script, but no ASCII punctuation, space, control or directional mark.
_DOMAIN_CHAR = rf"[^!-/:-@\[-`{{-~\x00-\x1F\x7F{_SPACES}{_DIRECTIONAL_MARKS}{_INVALID}]"
# Written "one char, then (separators, char) repeated" rather than twitter-text's "(sep|char)* char": the same
# language, but with a single way to match, so a 4,000-character label cannot make the engine backtrack.
_SUBDOMAIN = rf"{_DOMAIN_CHAR}(?:[_-]*{_DOMAIN_CHAR})*\."
_DOMAIN_NAME = rf"{_DOMAIN_CHAR}(?:-*{_DOMAIN_CHAR})*\."
# Any alphabetic top-level domain (see the module docstring); twitter-text's lookahead ends it.
_TLD = r"(?:xn--[0-9a-z-]+|[a-z]{2,}(?=[^0-9a-z@]|$)|(?:(?!\p{ASCII})[\p{L}\p{M}]){2,}(?=[^0-9a-z@]|$))"
_DOMAIN = rf"(?:{_SUBDOMAIN})*{_DOMAIN_NAME}{_TLD}"
# A URL starts at the beginning of the text or after anything but a letter, digit, @, $ or #.
_URL_START = r"(?<![A-Za-z0-9@＠$#＃\uFFFE\uFEFF\uFFFF])"
_QUERY = r"\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/]"


def _url_pattern(schemes: str, path_char: str, path_end: str) -> regex.Pattern[str]:
    # twitter-text's path: any path characters, balanced parentheses (Wikipedia), ending on a character that is
    # not punctuation, so "see example.com/a." leaves the full stop out of the link.
    parens = rf"\((?:{path_char}+|{path_char}*\({path_char}+\){path_char}*)\)"
    path = rf"(?:{path_char}*(?:{parens}{path_char}*)*(?:{path_end}|{parens})|@{path_char}+/)"
    return regex.compile(
        rf"{_URL_START}(?P<url>(?P<scheme>(?:{schemes})://)?(?P<domain>{_DOMAIN})(?::[0-9]+)?"
        rf"(?P<path>/{path}*)?(?:{_QUERY})?)",
        regex.IGNORECASE,
    )


# X: twitter-text's JavaScript (the composer on x.com).
_X_URL = _url_pattern(
    "https?",
    rf"[a-z\u0400-\u04FF0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN_ACCENTS}]",
    rf"[+\-a-z\u0400-\u04FF0-9=_#/{_LATIN_ACCENTS}]",
)
# Mastodon: the same extractor with Mastodon's changes: more schemes, and a path may hold any script.
_MASTODON_URL = _url_pattern(
    "https?|dat|dweb|ipfs|ipns|ssb|gopher",
    r"[^\p{White_Space}<>()?]",
    r"""[^\p{White_Space}()?!*"'「」<>;:=,.$%\[\]~&|@]""",
)
# Without a scheme, X links only the ASCII-like hosts inside what looked like a domain.
_X_ASCII_DOMAIN = regex.compile(rf"(?:[-a-z0-9{_LATIN_ACCENTS}]+\.)+{_TLD}", regex.IGNORECASE)


def _punycode_length(domain: str) -> int | None:
    """Length of the host as DNS sees it, or None when a label is empty or over 63 characters once encoded."""
    total = domain.count(".")
    for label in domain.split("."):
        encoded = len(label) if label.isascii() else len("xn--") + len(label.encode("punycode"))
        if not 1 <= encoded <= _MAX_LABEL_LENGTH:
            return None
        total += encoded
    return total


def _is_linkable(match: regex.Match[str]) -> bool:
    ascii_host = _punycode_length(match["domain"])
    if ascii_host is None:
        return False
    scheme = 0 if match["scheme"] else len("https://")  # a link without a scheme is sent with one
    return len(match["url"]) - len(match["domain"]) + ascii_host + scheme <= _MAX_URL_LENGTH


def x_url_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every link X would shorten to t.co, as twitter-text finds them."""
    spans: list[tuple[int, int]] = []
    for match in _X_URL.finditer(text):
        if not _is_linkable(match):
            continue
        if match["scheme"]:
            spans.append(match.span("url"))
            continue
        start = match.start("url")
        if start and text[start - 1] in "-_./":  # "file_example.com", "../example.com": not a link on X
            continue
        hosts = [(start + m.start(), start + m.end()) for m in _X_ASCII_DOMAIN.finditer(match["domain"])]
        if hosts and match["path"]:
            hosts[-1] = (hosts[-1][0], match.end("url"))  # the path belongs to the last host
        spans.extend(hosts)
    return spans


# -- X -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TwitterTextConfig:
    """A twitter-text weighting config (config/v2.json, v3.json); weights are in 1/scale of a character."""

    max_weighted_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...]  # (first code point, last code point, weight)
    emoji_parsing: bool


X_CONFIG_V2 = TwitterTextConfig(
    max_weighted_length=280,
    scale=100,
    default_weight=200,
    transformed_url_length=URL_LENGTH,
    # Latin and most European scripts, then spaces, dashes and quotes of General Punctuation, count 1.
    ranges=((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100)),
    emoji_parsing=False,
)
# v3 (what X uses today) adds one rule: every emoji, however many code points it is made of, counts 2.
X_CONFIG_V3 = replace(X_CONFIG_V2, emoji_parsing=True)

# An emoji as twemoji sees one: a flag, a keycap, or a pictograph (with its skin tone or emoji variation selector)
# joined to others by ZWJ, optionally followed by a subdivision tag sequence. A pictograph without emoji
# presentation ("©", "☺") counts as an emoji only when a selector, skin tone or ZWJ says it is one.
_PICTOGRAPH = r"\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?"
_EMOJI = regex.compile(
    r"\p{Regional_Indicator}{2}"
    r"|[#*0-9]\uFE0F?\u20E3"
    r"|(?=\p{Emoji_Presentation}|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D))"
    rf"{_PICTOGRAPH}(?:\u200D{_PICTOGRAPH})*(?:[\U000E0020-\U000E007E]+\U000E007F)?"
)


def x_weighted_length(text: str, config: TwitterTextConfig = X_CONFIG_V3) -> int:
    """X's weighted length (twitter-text parseTweet's weightedLength) under `config`."""
    text = unicodedata.normalize("NFC", text)  # X stores and counts the composed form
    urls = dict(x_url_spans(text))
    emoji = {m.start(): m.end() for m in _EMOJI.finditer(text)} if config.emoji_parsing else {}
    total = 0
    i = 0
    while i < len(text):
        if i in urls:
            total += config.transformed_url_length * config.scale
            i = urls[i]
        elif i in emoji:
            total += config.default_weight
            i = emoji[i]
        else:
            total += _weight(ord(text[i]), config)
            i += 1
    return -(-total // config.scale)  # rounded up: a fraction over the limit is over it


def _weight(code_point: int, config: TwitterTextConfig) -> int:
    for first, last, weight in config.ranges:
        if first <= code_point <= last:
            return weight
    return config.default_weight


# -- Mastodon ----------------------------------------------------------------------------------------------------

_WORD = r"[\p{L}\p{M}\p{Nd}\p{Pc}]"
# Mastodon's Account::MENTION_RE: @user or @user@host, not inside a word or after = or /.
_MASTODON_MENTION = regex.compile(
    rf"(?<![=/]|{_WORD})@(?P<user>(?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*))(?:@(?P<host>{_WORD}+(?:[.-]+{_WORD}+)*))?"
)
# twitter-text's end_mention_match: "@a@b.c@" or "@a://" is not a mention.
_MENTION_CUT_SHORT = regex.compile(rf"[@＠{_LATIN_ACCENTS}]|://")
_MAX_MENTION_HOST = 253  # a longer host cannot exist, so Mastodon counts such a "mention" in full


def mastodon_countable_text(text: str, *, web_composer: bool = False) -> str:
    """The text as Mastodon counts it: each link replaced by 23 x's, each @user@host by @user.

    By default this is the server's rule (StatusLengthValidator), which decides whether a post is accepted.
    `web_composer=True` gives the counter of Mastodon's web composer instead, which also shortens links without
    a scheme ("example.com") and leaves @user@host alone when the host has no dot; it can differ from the server.
    """
    if not web_composer and (not text or text.isspace()):
        return ""  # the server counts a blank text (Ruby's `blank?`) as empty
    entities: list[tuple[int, int, str]] = []
    for match in _MASTODON_URL.finditer(text):
        if _is_linkable(match) and (match["scheme"] or web_composer):
            entities.append((match.start("url"), match.end("url"), "x" * URL_LENGTH))
    for match in _MASTODON_MENTION.finditer(text):
        host = match["host"]
        if _MENTION_CUT_SHORT.match(text, match.end()) or (host and len(host) > _MAX_MENTION_HOST):
            continue
        if web_composer and (not host or "." not in host):
            continue
        entities.append((match.start(), match.end(), "@" + match["user"]))
    # Where a link and a mention overlap, the one that starts first wins (twitter-text remove_overlapping_entities).
    parts: list[str] = []
    position = 0
    for start, end, replacement in sorted(entities):
        if start < position:
            continue
        parts += [text[position:start], replacement]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def mastodon_length(text: str, *, spoiler_text: str = "") -> int:
    """What Mastodon's server compares with the instance limit: graphemes of the content warning + countable text."""
    return grapheme_count(spoiler_text + mastodon_countable_text(text))
