"""What the compose window asks the services to do, as one plan run on the writer thread: create the draft (from
a template when one is used), set each language's text and the channels, and optionally submit.

A plan that fails half-way still reports the message it saved, so the window edits that message from then on
instead of creating a second one.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.languages import language
from crowdops.domain.templates import Template
from crowdops.gui.wording import tr
from crowdops.services.inputs import DraftInput

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.services.message_records import MessageRecord


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class ComposePlan:
    operation_id: uuid.UUID
    actor: str
    texts: dict[str, str]  # language code: the text, in the order of the tabs
    channels: list[str]
    purpose: str
    priority: str
    template: str | None = None
    template_languages: Sequence[str] = ()
    values: dict[str, str] = field(default_factory=dict)
    existing: MessageRecord | None = None  # editing a saved message
    links: Sequence[tuple[str, str]] = ()  # (kind, id) a new message answers, e.g. ("incident", "3f2a…")


@dataclass(frozen=True)
class Outcome:
    record: MessageRecord | None  # what is saved now (set even after a refusal, when the draft exists)
    error: Exception | None = None
    submitted: bool = False
    changed: bool = True


@dataclass(frozen=True)
class Problem:
    """What stops a save, and where to put the cursor to fix it."""

    message: str
    language: str | None = None
    field: str | None = None


def problem(texts: dict[str, str], template: Template | None) -> Problem | None:
    if not texts:
        return Problem(tr("Add a language first (+ Add language)."))
    for code, text in texts.items():
        if not text.strip():
            name = language(code).name
            return Problem(tr("The {language} text is empty: write it, or close its tab.").format(language=name), code)
    if template is not None:
        used = {name for text in texts.values() for name in _PLACEHOLDER.findall(text)}
        left = [name for name in template.placeholder_names if name in used]
        if left:
            listed = "; ".join(f"{n.replace('_', ' ')} ({template.description_of(n)})" for n in left)
            return Problem(tr("Fill in first: {fields}.").format(fields=listed), field=left[0])
    return None


def same_text(saved: str | None, typed: str) -> bool:
    """As the service stores text: trimmed and NFC."""
    return saved is not None and unicodedata.normalize("NFC", typed.strip()) == saved


def _first_draft(plan: ComposePlan) -> DraftInput:
    if plan.template:
        kept = [code for code in plan.texts if code in plan.template_languages]
        every = set(plan.template_languages) <= set(plan.texts)
        if kept:
            return DraftInput(
                template=plan.template,
                values=plan.values,
                language=None if every else kept[0],
                purpose=plan.purpose,
                priority=plan.priority,
                channels=plan.channels,
                links=plan.links,
            )
    code, text = next(iter(plan.texts.items()))
    return DraftInput(
        text=text,
        language=code,
        purpose=plan.purpose,
        priority=plan.priority,
        channels=plan.channels,
        links=plan.links,
    )


def run(app: App, plan: ComposePlan, acknowledge: Sequence[str] | None = None) -> Outcome:
    """Save the plan; with `acknowledge` (the keys of the flags the author ticked as checked) also submit."""
    record = plan.existing
    changed = False
    try:
        if record is None:
            record = app.messages.draft(plan.operation_id, _first_draft(plan), actor=plan.actor)
            changed = True
        elif sorted(c.name for c in record.channels) != sorted(plan.channels):
            record = app.messages.set_channels(record.id.hex, plan.channels, actor=plan.actor)
            changed = True
        for code, text in plan.texts.items():
            if not same_text(record.text(code), text):
                record = app.messages.translate(record.id.hex, code, text, actor=plan.actor)
                changed = True
        if acknowledge is None:
            return Outcome(record, changed=changed)
        still_open = {flag.flag.key for flag in record.unacknowledged}
        keys = [key for key in dict.fromkeys(acknowledge) if key in still_open]
        record = app.approvals.submit(record.id.hex, actor=plan.actor, acknowledge=keys)
        return Outcome(record, submitted=True, changed=True)
    except CrowdOpsError as error:
        return Outcome(record, error, changed=changed)
