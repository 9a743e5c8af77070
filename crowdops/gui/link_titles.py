"""Readable titles for links between records (incident ↔ message ↔ rumour ↔ decision): an incident's description,
a rumour's claim, a message's first text, a decision's wording — never a bare id when the record can be read.

`read_link_texts` runs on the read thread (it asks the services); `link_title` words the result on the GUI thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crowdops.domain.errors import CrowdOpsError
from crowdops.gui.wording import headline, tr

if TYPE_CHECKING:
    from crowdops.app import App

LINK_WORDS = {"incident": "Incident", "rumour": "Rumour", "message": "Message", "decision": "Decision"}
TITLE_CHARS = 70


@dataclass(frozen=True, slots=True)
class LinkText:
    kind: str  # incident, rumour, message or decision
    ref: uuid.UUID
    text: str | None  # what the record says; None when it could not be read

    @property
    def target(self) -> str:
        """The "kind:hex" a link label carries and `follow` opens."""
        return f"{self.kind}:{self.ref.hex}"


def read_link_texts(app: App, links: list[tuple[str, uuid.UUID]]) -> list[LinkText]:
    """Off the GUI thread: what each linked record says (the latest version of an incident or a decision)."""
    return [LinkText(kind, ref, _text(app, kind, ref)) for kind, ref in links]


def _text(app: App, kind: str, ref: uuid.UUID) -> str | None:
    try:
        match kind:
            case "incident":
                return app.incidents.history(ref)[-1].description
            case "rumour":
                return app.rumours.get(ref.hex).rumour.claim
            case "message":
                return headline(app.messages.get(ref.hex))
            case "decision":
                return app.decisions.history(ref.hex)[-1].decision
    except CrowdOpsError:
        return None  # gone, or not readable here: the id still says which it was
    return None


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """One line, cut at a word near the limit."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(" ,.;:—-") + "…"


def link_title(link: LinkText) -> str:
    """'Incident: Crowd building at gate 3…'; 'Incident 7284fb15' when the record could not be read."""
    word = tr(LINK_WORDS.get(link.kind, link.kind.capitalize()))
    if link.text and link.text.strip():
        return f"{word}: {shorten(link.text)}"
    return f"{word} {link.ref.hex[:8]}"
