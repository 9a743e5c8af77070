"""What changed since the approved version, word by word, for the review queue. Additions and removals are marked
with colour AND a + or − sign, so the difference reads without colour too."""

from __future__ import annotations

import difflib
import functools
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crowdops.domain.messages import Priority, Purpose
from crowdops.gui.theme import Colours
from crowdops.gui.wording import priority_label, purpose_label, tr

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord

# Words (letters with their combining marks, digits), runs of spaces, or one other character: a changed place
# name is marked alone, not with the comma after it.
_WORD = r"[\p{L}\p{M}\p{N}_]+|\s+|."  # words in any script (the regex module knows \p{…}), spaces, the rest


@functools.cache
def _tokens() -> Any:
    import regex  # imported on the first diff, not at start-up (10 ms)

    return regex.compile(_WORD, regex.DOTALL)


EQUAL, INSERT, DELETE = "equal", "insert", "delete"


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(EQUAL | INSERT | DELETE, text) runs that turn `old` into `new`."""
    a, b = _tokens().findall(old), _tokens().findall(new)
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append((EQUAL, "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            runs.append((DELETE, "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            runs.append((INSERT, "".join(b[j1:j2])))
    return runs


def diff_html(runs: list[tuple[str, str]], colours: Colours, rtl: bool = False) -> str:
    """One paragraph of rich text; removed words struck through after a −, added words after a +."""
    parts = []
    previous = EQUAL
    for kind, text in runs:
        if kind == INSERT and previous == DELETE:
            parts.append("\u2009")  # a thin space: "−Omonia +Syntagma", not one word
        previous = kind
        escaped = html.escape(text)
        if kind == INSERT:
            parts.append(
                f'<span style="background-color:{colours.diff_add}; color:{colours.diff_add_text};">'
                f"<b>+</b>{escaped}</span>"
            )
        elif kind == DELETE:
            parts.append(
                f'<span style="background-color:{colours.diff_del}; color:{colours.diff_del_text};">'
                f'<b>−</b><span style="text-decoration:line-through;">{escaped}</span></span>'
            )
        else:
            parts.append(escaped)
    direction = ' dir="rtl" align="right"' if rtl else ""
    return f"<p{direction}>{''.join(parts)}</p>"


@dataclass
class Changes:
    """What differs between the last approved content and the message as it is now."""

    texts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # language: runs, only when changed
    added_languages: list[str] = field(default_factory=list)
    removed_languages: list[str] = field(default_factory=list)
    added_channels: list[str] = field(default_factory=list)
    removed_channels: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # purpose, priority, own texts of channels

    @property
    def nothing(self) -> bool:
        return not (
            self.texts
            or self.added_languages
            or self.removed_languages
            or self.added_channels
            or self.removed_channels
            or self.other
        )


def changes_since(approved: dict[str, object], record: MessageRecord) -> Changes:
    """Compare an approval's content snapshot (see message_records.snapshot) with the record."""
    changes = Changes()
    before: dict[tuple[str, str | None], str] = {}
    for lang, channel, text in approved.get("variants", []):  # type: ignore[attr-defined]
        before[(lang, channel)] = text
    now = {(v.language, v.channel): v.text for v in record.variants}
    old_languages = sorted({lang for lang, channel in before if channel is None})
    for lang in record.languages:
        if lang not in old_languages:
            changes.added_languages.append(lang)
        elif before[(lang, None)] != now[(lang, None)]:
            changes.texts[lang] = word_diff(before[(lang, None)], now[(lang, None)])
    changes.removed_languages = [lang for lang in old_languages if lang not in record.languages]
    for key in sorted(set(before) | set(now), key=lambda k: (k[0], k[1] or "")):
        if key[1] is not None and before.get(key) != now.get(key):
            changes.other.append(
                tr("Own text for {channel} ({language}) changed").format(channel=key[1], language=key[0])
            )
    old_channels = set(approved.get("channels", []))  # type: ignore[call-overload]
    new_channels = {c.name for c in record.channels}
    changes.added_channels = sorted(new_channels - old_channels)
    changes.removed_channels = sorted(old_channels - new_channels)
    if approved.get("purpose") != record.purpose.value:
        was = purpose_label(Purpose(str(approved.get("purpose"))))
        changes.other.append(tr("Purpose was {was}, now {now}").format(was=was, now=purpose_label(record.purpose)))
    if approved.get("priority") != record.priority.value:
        was = priority_label(Priority(str(approved.get("priority"))))
        changes.other.append(tr("Priority was {was}, now {now}").format(was=was, now=priority_label(record.priority)))
    return changes
