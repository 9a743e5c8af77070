"""Composing public messages: drafts from text or templates, translations, channels, links, the content hash,
exercise isolation, RTL texts, and what every change (and every refusal) leaves in the audit log and on the bus.

`Desk` is shared with test_approvals: every successful change goes through `Desk.changed` (exactly one audit entry
of the expected action about that message, exactly one MessageChanged), every refusal through `Desk.refused`
(nothing in the database moved, nothing published)."""

import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import keyring
import pytest
from sqlalchemy import text

import crowdops.domain.passphrases as passphrases
from crowdops.app import App, build_app
from crowdops.domain.errors import ConflictError, CrowdOpsError, NotFoundError, PermissionDeniedError, ValidationError
from crowdops.domain.messages import MAX_TEXT, MessageStatus, Priority, Purpose, VariantContent, content_hash
from crowdops.domain.templates import CORE_LANGUAGES
from crowdops.domain.text import measure
from crowdops.services.context import ServiceContext
from crowdops.services.events import Event, MessageChanged
from crowdops.services.incidents import IncidentInput
from crowdops.services.inputs import DraftInput
from crowdops.services.message_records import MessageRecord
from crowdops.services.records import OperationRecord
from crowdops.store.database import open_database
from tests.conftest import FakeClock, MemoryKeyring

TABLES = (
    "messages",
    "message_variants",
    "message_channels",
    "message_links",
    "message_contributors",
    "approvals",
    "outbox_items",
    "privacy_acks",
    "audit_log",
)
MASTODON, SANDBOX, X = "Police Mastodon", "Training feed", "Police X"
ROAD = {"road": "Stadiou Street", "until": "18:00", "alternative": "Panepistimiou Street"}
AR = "إغلاق طريق: شارع ستاديو حتى الساعة ١٨:٠٠. يُرجى اتّباع تعليمات الشرطة في المكان."
FA = "لطفاً از میدان سینتاگما دور شوید؛ مسیر جایگزین: خیابان آمالیاس. می‌خواهیم همه در امان باشند."


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passphrases are not the subject here: hash them with a small scrypt cost (the hash records its cost, so
    verification still runs the real code)."""
    monkeypatch.setattr(passphrases, "_N", 2**8)


class Desk:
    """The staffed app with its channels, and the checks every test of a change or a refusal makes."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.events: list[Event] = []
        app.context.bus.subscribe(self.events.append)
        current = app.operations.current()
        assert current is not None
        self.op: OperationRecord = current

    # -- doing --------------------------------------------------------------------------------------------------

    def draft(
        self, body: str | None = "Stadiou Street is closed until 18:00.", *, actor: str = "comms", **fields: Any
    ) -> MessageRecord:
        """Draft in the current operation (or `operation=`), checked as one audited, announced change."""
        op_id = fields.pop("operation", self.op.id)
        return self.changed(
            "message.draft", self.app.messages.draft, op_id, DraftInput(text=body, **fields), actor=actor
        )

    def changed(
        self, actions: str | list[str], action: Callable[..., MessageRecord], *args: Any, **kwargs: Any
    ) -> MessageRecord:
        """Run a change; it must write exactly the expected audit entries (about that message) and publish exactly
        one MessageChanged for it, after which the stored message reads as the returned record."""
        head, seen = self.head(), len(self.events)
        record = action(*args, **kwargs)
        expected = [actions] if isinstance(actions, str) else actions
        assert [(a, s) for a, s, _ in self.audit_since(head)] == [(a, f"message:{record.id.hex}") for a in expected]
        assert self.events[seen:] == [MessageChanged(record.operation_id, record.id)]
        assert self.app.messages.get(record.id.hex) == record
        return record

    def refused(
        self, error: type[Exception], match: str, action: Callable[..., object], *args: Any, **kwargs: Any
    ) -> pytest.ExceptionInfo[Exception]:
        """A refused action raises `error` (its message matching `match`), changes nothing and publishes nothing."""
        before, seen = self.snapshot(), len(self.events)
        with pytest.raises(error, match=match) as raised:
            action(*args, **kwargs)
        assert self.snapshot() == before
        assert self.events[seen:] == []
        return raised

    # -- looking ------------------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, object]:
        with self.app.db.read() as session:

            def rows(sql: str) -> list[tuple[object, ...]]:
                return [tuple(row) for row in session.execute(text(sql))]

            return {
                "counts": {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES},
                "messages": rows(
                    "SELECT id, status, version, submitted_hash, status_reason, updated_at FROM messages ORDER BY id"
                ),
                "variants": rows("SELECT id, language, channel_id, text FROM message_variants ORDER BY id"),
                "channels": rows("SELECT message_id, channel_id FROM message_channels ORDER BY 1, 2"),
                "outbox": rows("SELECT id, status FROM outbox_items ORDER BY id"),
            }

    def count(self, table: str) -> int:
        assert table in TABLES
        with self.app.db.read() as session:
            return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def head(self) -> int:
        entry = self.app.audit.head()
        return entry.seq if entry else 0

    def audit_since(self, seq: int) -> list[tuple[str, str, str]]:
        """(action, subject, data) of every audit entry after `seq`."""
        with self.app.db.read() as session:
            found = session.execute(
                text("SELECT action, subject, data FROM audit_log WHERE seq > :seq ORDER BY seq"), {"seq": seq}
            )
            return [(a, s, d) for a, s, d in found]


_TEMPLATE: dict[str, Any] = {}


def _staffed_template(factory: pytest.TempPathFactory, start: FakeClock) -> tuple[Path, dict[tuple[str, str], str]]:
    """Conftest's `staffed` app plus the channels Police Mastodon and Training feed, built once per session (with
    its own in-memory keyring, which then holds the audit key) and copied for each test: a copy takes a few
    milliseconds, building it a tenth of a second, which for these ~130 tests was most of their time."""
    if not _TEMPLATE:
        path = factory.mktemp("staffed") / "crowdops.db"
        backend, previous = MemoryKeyring(), keyring.get_keyring()
        keyring.set_keyring(backend)
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(passphrases, "_N", 2**8)
                app = build_app(ServiceContext(db=open_database(path), clock=FakeClock(start.now)))
                try:
                    app.users.add("cmdr", "commander", "secret-1")
                    app.users.add("comms", "comms", "secret-2", actor="cmdr")
                    app.users.add("trainer", "trainer", "secret-3", actor="cmdr")
                    app.users.add("watcher", "observer", "secret-4", actor="cmdr")
                    app.operations.create(
                        "Athens March", "protest", timezone="Europe/Athens", phase="during", actor="cmdr"
                    )
                    app.operations.use("Athens March")
                    app.channels.add(MASTODON, "mastodon", actor="cmdr")
                    app.channels.add(SANDBOX, "sandbox", actor="cmdr")
                finally:
                    app.close()
        finally:
            keyring.set_keyring(previous)
        _TEMPLATE.update(path=path, secrets=dict(backend._store))
    return _TEMPLATE["path"], _TEMPLATE["secrets"]


def open_desk(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, clock: FakeClock, memory_keyring: MemoryKeyring
) -> Iterator[Desk]:
    """A fresh copy of the staffed template (SQLite's backup API) under this test's clock and keyring."""
    source, secrets = _staffed_template(tmp_path_factory, clock)
    target = tmp_path / "crowdops.db"
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    for (service, name), value in secrets.items():
        memory_keyring.set_password(service, name, value)
    app = build_app(ServiceContext(db=open_database(target), clock=clock))
    try:
        yield Desk(app)
    finally:
        app.close()


@pytest.fixture
def desk(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, clock: FakeClock, memory_keyring: MemoryKeyring
) -> Iterator[Desk]:
    yield from open_desk(tmp_path, tmp_path_factory, clock, memory_keyring)


def exercise_op(desk: Desk) -> OperationRecord:
    return desk.app.operations.create("Gate drill", "event", exercise=True, actor="trainer")


# -- drafts --------------------------------------------------------------------------------------------------


def test_a_draft_from_text_is_stored_as_typed(desk: Desk) -> None:
    record = desk.draft("  Stadiou Street is closed until 18:00.\n")
    assert record.status is MessageStatus.DRAFT
    assert (record.version, record.created_by, record.contributors) == (1, "comms", ["comms"])
    assert (record.purpose, record.priority) == (Purpose.GUIDANCE, Priority.ROUTINE)
    assert [(v.language, v.channel, v.text) for v in record.variants] == [
        ("en", None, "Stadiou Street is closed until 18:00.")
    ]
    assert [c.name for c in record.channels] == [MASTODON, SANDBOX]  # default: every channel this op may use
    assert (record.submitted_hash, record.approvals, record.outbox, record.flags) == (None, [], [], [])
    assert desk.app.messages.list(desk.op.id) == [record]
    assert desk.app.messages.list(desk.op.id, "submitted") == []


def test_a_draft_names_its_purpose_priority_channels_and_language(desk: Desk) -> None:
    record = desk.draft(
        "Κλειστή η οδός Σταδίου.", language="EL", purpose="warning", priority="urgent", channels=["police mastodon"]
    )
    assert (record.purpose, record.priority, record.languages) == (Purpose.WARNING, Priority.URGENT, ["el"])
    assert [c.name for c in record.channels] == [MASTODON]


def test_a_draft_from_a_template_has_every_language_of_the_template(desk: Desk) -> None:
    template = desk.app.templates.get("road-closure")
    record = desk.draft(None, template="road-closure", values=ROAD)
    assert record.languages == sorted(CORE_LANGUAGES) == sorted(template.languages)
    assert (record.purpose, record.priority) == (template.purpose, template.priority)
    assert record.text("en") == (
        "Road closed: Stadiou Street, until 18:00. Please use Panepistimiou Street instead and allow extra time. "
        "Follow directions on site."
    )
    assert all("{" not in v.text and "Stadiou Street" in v.text for v in record.variants)


def test_a_draft_from_a_template_in_one_language(desk: Desk) -> None:
    record = desk.draft(None, template="road-closure", values=ROAD, language="el", priority="urgent")
    assert record.languages == ["el"]
    assert record.priority is Priority.URGENT
    assert record.text("el", MASTODON) == desk.app.templates.get("road-closure").fill("el", ROAD)


TOO_LONG = "x" * (MAX_TEXT + 1)


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"text": ""}, ValidationError, "text is empty"),
        ({"text": None}, ValidationError, "text is empty"),
        ({"text": " \n\t \u3000 "}, ValidationError, "text is empty"),
        ({"text": TOO_LONG}, ValidationError, "63,207 characters long, more than any platform takes"),
        ({"text": "Gate \ud800 closed"}, ValidationError, r"broken character \(a lone surrogate\)"),
        ({"text": "Gate\x07 closed"}, ValidationError, r"control character \(U\+0007\) at position 5"),
        ({"text": "Gate 4", "language": "xx"}, ValidationError, "Unknown language code 'xx'"),
        ({"text": "Gate 4", "purpose": "advert"}, ValidationError, "Unknown purpose .advert.: use one of guidance"),
        (
            {"text": "Gate 4", "priority": "whenever"},
            ValidationError,
            "Unknown priority .whenever.: use one of routine",
        ),
        ({"text": "Gate 4", "channels": ["Police TikTok"]}, NotFoundError, "No channel named 'Police TikTok'"),
        ({"text": "Gate 4", "values": {"road": "A"}}, ValidationError, "only fill a template"),
        ({"template": "road-closure", "values": {"road": "A", "until": "18:00"}}, ValidationError, "alternative"),
        ({"template": "road-closure", "values": {**ROAD, "road": "  "}}, ValidationError, r"\{road\} is empty"),
        ({"template": "road-closure", "values": {**ROAD, "raod": "A"}}, ValidationError, "'raod' is not a placeh"),
        ({"template": "road-closure"}, ValidationError, "Fill in"),
        ({"text": "Mine", "template": "road-closure", "values": ROAD}, ValidationError, "text or a template, not both"),
        ({"template": "no-such-template"}, NotFoundError, "No template 'no-such-template'"),
        ({"template": "road-closure", "values": ROAD, "language": "zz"}, ValidationError, "Unknown language"),
        ({"template": "road-closure", "values": ROAD, "language": "es"}, ValidationError, "no Spanish text"),
        ({"text": "Gate 4", "links": [("incident", uuid.uuid4().hex)]}, NotFoundError, "No incident"),
        ({"text": "Gate 4", "links": [("incident", "ab")]}, NotFoundError, "No incident"),
        ({"text": "Gate 4", "links": [("tweet", uuid.uuid4().hex)]}, ValidationError, "Unknown link kind 'tweet'"),
        ({"text": "Gate 4", "links": [("rumour", "not-an-id")]}, ValidationError, "is not a rumour id"),
    ],
)
def test_bad_drafts_are_refused_and_change_nothing(
    desk: Desk, fields: dict[str, Any], error: type[CrowdOpsError], message: str
) -> None:
    desk.draft("Already there.")
    desk.refused(error, message, desk.app.messages.draft, desk.op.id, DraftInput(**fields), actor="comms")


def test_the_longest_text_any_platform_takes_is_a_draft(desk: Desk) -> None:
    assert len(desk.draft("x" * MAX_TEXT).text("en") or "") == 63_206


@pytest.mark.parametrize(("actor", "error"), [("watcher", "an observer"), ("trainer", "a trainer"), ("nobody", "")])
def test_only_composers_draft_in_a_live_operation(desk: Desk, actor: str, error: str) -> None:
    kind = PermissionDeniedError if error else NotFoundError
    desk.refused(
        kind, error or "No user named 'nobody'", desk.app.messages.draft, desk.op.id, DraftInput("Hi"), actor=actor
    )


def test_drafting_into_a_missing_operation_is_refused(desk: Desk) -> None:
    desk.refused(
        NotFoundError,
        "operation no longer exists",
        desk.app.messages.draft,
        uuid.uuid4(),
        DraftInput("Hi"),
        actor="comms",
    )


def test_a_draft_links_an_incident_by_its_short_id(desk: Desk) -> None:
    incident = desk.app.incidents.log(desk.op.id, IncidentInput("crowd-density", 3, "Gate 3 crowded"), actor="comms")
    record = desk.draft("Avoid gate 3.", links=[("incident", incident.short_id)])
    assert record.links == [("incident", incident.id)]


def test_an_incident_named_twice_is_linked_once(desk: Desk) -> None:
    """By its id and its short id, or by two of its versions: one incident, one link (it was a raw database
    error)."""
    incident = desk.app.incidents.log(desk.op.id, IncidentInput("crowd-density", 3, "Gate 3 crowded"), actor="comms")
    corrected = desk.app.incidents.correct(incident.short_id, actor="comms", severity=4, reason="Worse")
    links = [("incident", incident.short_id), ("incident", str(incident.id)), ("incident", corrected.short_id)]
    assert desk.draft("Avoid gate 3.", links=links).links == [("incident", incident.id)]


@pytest.mark.parametrize("ref", ["%%%%", "____", "%", "a%"])
def test_a_link_is_to_an_incident_id_not_a_pattern(desk: Desk, ref: str) -> None:
    """With one incident in the operation, a LIKE wildcard used to link it."""
    desk.app.incidents.log(desk.op.id, IncidentInput("crowd-density", 3, "Gate 3 crowded"), actor="comms")
    entry = DraftInput("Avoid gate 3.", links=[("incident", ref)])
    desk.refused(NotFoundError, "No incident", desk.app.messages.draft, desk.op.id, entry, actor="comms")


def test_an_incident_of_another_operation_cannot_be_linked(desk: Desk) -> None:
    other = exercise_op(desk)
    incident = desk.app.incidents.log(other.id, IncidentInput("entry-gate", 2, "Gate 4 jammed"), actor="trainer")
    desk.refused(
        NotFoundError,
        "No incident",
        desk.app.messages.draft,
        desk.op.id,
        DraftInput("Gate 4", links=[("incident", incident.id.hex)]),
        actor="comms",
    )


# -- translations and channels -------------------------------------------------------------------------------


def test_translate_adds_a_language_and_is_a_change_of_content(desk: Desk) -> None:
    first = desk.draft()
    second = desk.changed(
        "message.translate", desk.app.messages.translate, first.short_id, "el", "Κλειστή.", actor="cmdr"
    )
    assert second.languages == ["el", "en"]
    assert second.version == 2
    assert second.contributors == ["cmdr", "comms"]  # an editor is recorded like the author
    assert second.content_hash != first.content_hash
    third = desk.changed(
        "message.translate", desk.app.messages.translate, first.short_id, "en", "Closed.", actor="comms"
    )
    assert (third.text("en"), third.version) == ("Closed.", 3)


def test_translating_to_the_same_text_is_refused(desk: Desk) -> None:
    record = desk.draft("Closed.")
    desk.refused(
        ValidationError,
        "already the text",
        desk.app.messages.translate,
        record.short_id,
        "en",
        " Closed. ",
        actor="cmdr",
    )


@pytest.mark.parametrize(
    ("lang", "body", "error", "message"),
    [
        ("en", "", ValidationError, "text is empty"),
        ("en", "   ", ValidationError, "text is empty"),
        ("en", "a\x07b", ValidationError, "control character"),
        ("en", "\ud800", ValidationError, "lone surrogate"),
        ("en", TOO_LONG, ValidationError, "more than any platform takes"),
        ("xx", "Hello", ValidationError, "Unknown language code 'xx'"),
    ],
)
def test_bad_translations_are_refused(
    desk: Desk, lang: str, body: str, error: type[CrowdOpsError], message: str
) -> None:
    record = desk.draft()
    desk.refused(error, message, desk.app.messages.translate, record.short_id, lang, body, actor="comms")


def test_who_may_edit_and_which_message(desk: Desk) -> None:
    record = desk.draft()
    translate = desk.app.messages.translate
    desk.refused(PermissionDeniedError, "observer", translate, record.short_id, "el", "Γεια", actor="watcher")
    desk.refused(PermissionDeniedError, "trainer", translate, record.short_id, "el", "Γεια", actor="trainer")
    desk.refused(NotFoundError, "No message", translate, "ffffffff", "el", "Γεια", actor="comms")
    desk.refused(ValidationError, "not a message id", translate, "ab", "el", "Γεια", actor="comms")
    desk.refused(ValidationError, "not a message id", translate, "%%%%", "el", "Γεια", actor="comms")


def test_a_channel_gets_its_own_text(desk: Desk) -> None:
    record = desk.draft("Stadiou Street is closed until 18:00; use Panepistimiou.")
    short = "Stadiou closed till 18:00."
    edited = desk.changed(
        "message.translate", desk.app.messages.translate, record.short_id, "en", short, actor="comms", channel=SANDBOX
    )
    assert edited.text("en", SANDBOX) == short
    assert edited.text("en", MASTODON) == edited.text("en") == record.text("en")
    assert edited.languages == ["en"]
    assert edited.content_hash != record.content_hash


def test_a_channel_text_needs_the_channel_on_the_message(desk: Desk) -> None:
    desk.app.channels.add(X, "x", actor="cmdr")
    record = desk.draft(channels=[MASTODON])
    translate = desk.app.messages.translate
    desk.refused(
        ValidationError, "does not go to 'Police X'", translate, record.short_id, "en", "Hi", actor="comms", channel=X
    )
    desk.refused(
        NotFoundError, "No channel named 'Nope'", translate, record.short_id, "en", "Hi", actor="comms", channel="Nope"
    )


def test_a_channel_text_needs_the_language_on_the_message(desk: Desk) -> None:
    """Posts go out per language of the message: an Arabic text for one channel of an English-only message was
    stored, counted in the hash and approved, but never queued."""
    record = desk.draft(channels=[MASTODON])
    translate = desk.app.messages.translate
    desk.refused(
        ValidationError,
        r"no Arabic text \(ar\) yet",
        translate,
        record.short_id,
        "ar",
        AR,
        actor="comms",
        channel=MASTODON,
    )
    translate(record.short_id, "ar", AR + " ١", actor="comms")
    edited = translate(record.short_id, "ar", AR, actor="comms", channel=MASTODON)
    assert edited.text("ar", MASTODON) == AR


def test_set_channels_replaces_them_and_drops_the_texts_of_removed_ones(desk: Desk) -> None:
    desk.app.channels.add(X, "x", actor="cmdr")
    record = desk.draft()
    desk.app.messages.translate(record.short_id, "en", "Short.", actor="comms", channel=SANDBOX)
    edited = desk.changed(
        "message.channels", desk.app.messages.set_channels, record.short_id, [X, MASTODON, X], actor="cmdr"
    )
    assert [c.name for c in edited.channels] == [MASTODON, X]
    assert [(v.language, v.channel) for v in edited.variants] == [("en", None)]
    assert edited.contributors == ["cmdr", "comms"]
    desk.refused(
        NotFoundError, "No channel named", desk.app.messages.set_channels, record.short_id, ["Nope"], actor="comms"
    )
    desk.refused(
        PermissionDeniedError, "observer", desk.app.messages.set_channels, record.short_id, [X], actor="watcher"
    )


# -- the content hash ----------------------------------------------------------------------------------------


def test_the_hash_follows_every_change_of_content_and_nothing_else(desk: Desk) -> None:
    """Any change of a variant, a language, a channel or a link gives another hash; the same content, written by
    someone else at another time, the same hash."""
    messages = desk.app.messages
    first = desk.draft("Closed.", channels=[MASTODON])
    seen = {first.content_hash}

    def new_hash(record: MessageRecord) -> str:
        assert record.content_hash not in seen
        seen.add(record.content_hash)
        return record.content_hash

    new_hash(messages.translate(first.short_id, "en", "Closed!", actor="comms"))  # a variant's text
    two_langs = new_hash(messages.translate(first.short_id, "el", "Closed!", actor="comms"))  # a language
    new_hash(messages.set_channels(first.short_id, [MASTODON, SANDBOX], actor="comms"))  # a channel
    new_hash(messages.translate(first.short_id, "el", "Κλειστή", actor="comms", channel=SANDBOX))  # a channel's text
    # back to the same content: the same hash, whatever the version, the editors or the time
    desk.app.context.clock.advance(minutes=5)  # type: ignore[attr-defined]
    back = messages.set_channels(first.short_id, [MASTODON], actor="cmdr")
    assert back.content_hash == two_langs
    assert back.version == 6

    # the same content drafted again by someone else, later: the same hash; with a link: another one
    incident = desk.app.incidents.log(desk.op.id, IncidentInput("crowd-density", 3, "Gate 3"), actor="comms")
    plain = desk.draft("Closed.", actor="cmdr", channels=[MASTODON])
    linked = desk.draft("Closed.", actor="cmdr", channels=[MASTODON], links=[("incident", incident.short_id)])
    assert plain.content_hash == first.content_hash
    assert linked.content_hash not in seen | {plain.content_hash}
    # the language of a text is content: the same words as another language are another message
    assert desk.draft("Closed.", language="de", channels=[MASTODON]).content_hash != plain.content_hash


def test_content_hash_is_canonical() -> None:
    ref = uuid.uuid4().hex
    variants = [VariantContent("en", None, "Closed."), VariantContent("el", "Police X", "Κλειστή")]
    base = content_hash("guidance", "routine", variants, ["a", "b"], [("incident", ref)])
    assert base == content_hash("guidance", "routine", variants[::-1], ["b", "a"], [("incident", ref)])
    changes = [
        content_hash("guidance", "routine", [variants[0]], ["a", "b"], [("incident", ref)]),
        content_hash("guidance", "routine", [variants[0], VariantContent("el", None, "Κλειστή")], ["a", "b"], []),
        content_hash("guidance", "routine", [variants[0], VariantContent("de", "Police X", "Κλειστή")], ["a", "b"], []),
        content_hash("guidance", "routine", variants, ["a"], [("incident", ref)]),
        content_hash("guidance", "routine", variants, ["a", "b"], []),
        content_hash("guidance", "routine", variants, ["a", "b"], [("rumour", ref)]),
        content_hash("guidance", "life-safety", variants, ["a", "b"], [("incident", ref)]),
    ]
    assert len({base, *changes}) == len(changes) + 1


# -- exercises -----------------------------------------------------------------------------------------------


def test_an_exercise_gets_only_sandbox_channels_and_a_trainer_composes_there(desk: Desk) -> None:
    desk.app.channels.add(X, "x", actor="cmdr")
    drill = exercise_op(desk)
    record = desk.draft("Drill: gate 4 closed.", actor="trainer", operation=drill.id)
    assert [c.platform for c in record.channels] == ["sandbox"]
    assert record.operation_id == drill.id
    assert desk.app.messages.list(drill.id) == [record]
    assert record not in desk.app.messages.list(desk.op.id)


@pytest.mark.parametrize("live", [MASTODON, X])
def test_an_exercise_refuses_every_live_channel(desk: Desk, live: str) -> None:
    desk.app.channels.add(X, "x", actor="cmdr")
    drill = exercise_op(desk)
    record = desk.draft("Drill.", actor="trainer", operation=drill.id)
    desk.refused(
        ValidationError,
        f"'{live}' is a live .* account; an exercise may only use sandbox channels",
        desk.app.messages.draft,
        drill.id,
        DraftInput("Drill.", channels=[SANDBOX, live]),
        actor="trainer",
    )
    desk.refused(
        ValidationError, "only use sandbox", desk.app.messages.set_channels, record.short_id, [live], actor="cmdr"
    )


def test_an_observer_may_not_compose_in_an_exercise_either(desk: Desk) -> None:
    drill = exercise_op(desk)
    desk.refused(
        PermissionDeniedError, "observer", desk.app.messages.draft, drill.id, DraftInput("Drill."), actor="watcher"
    )


# -- right-to-left and Unicode ----------------------------------------------------------------------------------


def _graphemes_of_arabic(body: str) -> int:
    """Arabic letters each start a grapheme; vowel marks (Mn) and ZWNJ extend the one before."""
    return sum(1 for c in body if unicodedata.category(c) != "Mn" and c != "\u200c")


@pytest.mark.parametrize(("lang", "body"), [("ar", AR), ("fa", FA)])
def test_rtl_texts_survive_the_round_trip_and_measure_right(desk: Desk, lang: str, body: str) -> None:
    assert unicodedata.is_normalized("NFC", body)
    record = desk.draft(body, language=lang)
    stored = desk.app.messages.get(record.short_id)
    assert stored.text(lang) == body
    assert stored.variants[0].rtl and not desk.draft().variants[0].rtl
    assert measure(body, "mastodon").length == _graphemes_of_arabic(body) < len(body)
    assert measure(body, "x").length == len(body)  # Arabic script and ZWNJ weigh 1 on X
    assert measure(body, "telegram").length == len(body)
    assert measure(body, "bluesky").bytes == len(body.encode("utf-8"))
    translated = desk.app.messages.translate(record.short_id, "en" if lang == "ar" else "ar", AR, actor="comms")
    assert translated.text(lang) == body


def test_decomposed_text_is_stored_composed(desk: Desk) -> None:
    decomposed = unicodedata.normalize("NFD", FA)
    assert decomposed != FA  # "آ" decomposes
    assert desk.draft(decomposed, language="fa").text("fa") == FA
    record = desk.app.messages.translate(desk.draft("Closed.").short_id, "fa", FA, actor="comms")
    # the same text, however it is encoded, is no change
    desk.refused(
        ValidationError,
        "already the text",
        desk.app.messages.translate,
        record.short_id,
        "fa",
        decomposed,
        actor="comms",
    )


# -- reading ---------------------------------------------------------------------------------------------------


def test_get_accepts_a_short_id_and_refuses_a_bad_one(desk: Desk) -> None:
    record = desk.draft()
    assert desk.app.messages.get(record.short_id) == desk.app.messages.get(str(record.id)) == record
    with pytest.raises(ValidationError, match="not a message id"):
        desk.app.messages.get("zz")
    with pytest.raises(NotFoundError, match="No message"):
        desk.app.messages.get("ffffffff")
    with pytest.raises(ValidationError, match="status"):
        desk.app.messages.list(desk.op.id, "lost")


def test_waiting_for_review_counts_submitted_messages(desk: Desk) -> None:
    assert desk.app.messages.waiting_for_review(desk.op.id) == 0
    first, second = desk.draft(), desk.draft("Gate 4 open.")
    desk.app.approvals.submit(first.short_id, actor="comms")
    assert desk.app.messages.waiting_for_review(desk.op.id) == 1
    assert [m.id for m in desk.app.messages.list(desk.op.id, "submitted")] == [first.id]
    assert [m.id for m in desk.app.messages.list(desk.op.id, "draft")] == [second.id]


def test_a_withdrawn_message_cannot_be_edited(desk: Desk) -> None:
    record = desk.draft()
    desk.app.approvals.withdraw(record.short_id, actor="comms")
    desk.refused(
        ConflictError,
        "withdrawn cannot be edited",
        desk.app.messages.translate,
        record.short_id,
        "el",
        "Γεια",
        actor="comms",
    )
    desk.refused(
        ConflictError,
        "withdrawn cannot be edited",
        desk.app.messages.set_channels,
        record.short_id,
        [MASTODON],
        actor="comms",
    )
