"""Submitting, approving, rejecting and withdrawing public messages: the lifecycle, four eyes, the passphrase, the
content hash an approval is bound to, break-glass, the outbox rows an approval writes, exercise isolation, privacy
acknowledgements and platform limits. Every change and every refusal is checked by tests.test_messages.Desk."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import crowdops.domain.passphrases as passphrases
from crowdops.domain.errors import ConflictError, CrowdOpsError, NotFoundError, PermissionDeniedError, ValidationError
from crowdops.domain.messages import MessageStatus
from crowdops.domain.templates import CORE_LANGUAGES
from crowdops.services.message_records import MessageRecord
from crowdops.store.message_models import Approval, OutboxItem
from tests.conftest import FakeClock, MemoryKeyring
from tests.test_messages import MASTODON, ROAD, SANDBOX, Desk, X, exercise_op, open_desk

PASS = {"cmdr": "secret-1", "comms": "secret-2", "trainer": "secret-3", "watcher": "secret-4", "cmdr2": "secret-5"}
PHONE, EMAIL = "phone:+302101234567", "email:eleni@example.gr"
PRIVATE = "Lost child found: call Eleni on +30 210 1234567 or write to eleni@example.gr."
DANGER = "Danger: move away from Syntagma Square now. Follow police directions."


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passphrases are checked for real, but hashed with a small scrypt cost (recorded in each hash)."""
    monkeypatch.setattr(passphrases, "_N", 2**8)


@pytest.fixture
def desk(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, clock: FakeClock, memory_keyring: MemoryKeyring
) -> Iterator[Desk]:
    yield from open_desk(tmp_path, tmp_path_factory, clock, memory_keyring)


@pytest.fixture
def cmdr2(desk: Desk) -> str:
    desk.app.users.add("cmdr2", "commander", PASS["cmdr2"], actor="cmdr")
    return "cmdr2"


def submit(desk: Desk, record: MessageRecord, actor: str = "comms", **kwargs: Any) -> MessageRecord:
    """Submit, checked as a change: one audited acknowledgement per flag acknowledged, then the submission."""
    open_keys = {f.flag.key for f in record.unacknowledged}
    acks = len(open_keys) if kwargs.get("acknowledge_all") else len(set(kwargs.get("acknowledge") or []))
    actions = ["message.privacy-ack"] * acks + ["message.submit"]
    done = desk.changed(actions, desk.app.approvals.submit, record.short_id, actor=actor, **kwargs)
    assert done.status is MessageStatus.SUBMITTED
    assert done.submitted_hash == done.content_hash == record.content_hash  # submitting changes no content
    return done


def approve(desk: Desk, record: MessageRecord, actor: str = "cmdr", **kwargs: Any) -> MessageRecord:
    action = "message.break-glass" if kwargs.get("break_glass_reason") else "message.approve"
    done = desk.changed(
        action, desk.app.approvals.approve, record.short_id, actor=actor, passphrase=PASS[actor], **kwargs
    )
    assert done.status is MessageStatus.APPROVED
    assert done.content_hash == record.content_hash
    return done


def refused_approval(
    desk: Desk, error: type[Exception], match: str, record: MessageRecord, actor: str = "cmdr", **kwargs: Any
) -> None:
    desk.refused(
        error, match, desk.app.approvals.approve, record.short_id, actor=actor, passphrase=PASS.get(actor, ""), **kwargs
    )


def outbox(desk: Desk, record: MessageRecord) -> list[OutboxItem]:
    with desk.app.db.read() as session:
        return list(session.scalars(select(OutboxItem).where(OutboxItem.message_id == record.id)))


def ready(desk: Desk, body: str = "Stadiou Street is closed until 18:00.", **fields: Any) -> MessageRecord:
    """A message by comms, submitted."""
    return submit(desk, desk.draft(body, **fields))


# -- the lifecycle ---------------------------------------------------------------------------------------------


def test_a_message_goes_from_draft_to_approved_and_is_queued_once_per_channel_and_language(desk: Desk) -> None:
    drafted = desk.draft(None, template="road-closure", values=ROAD)
    edited = desk.changed(
        "message.translate", desk.app.messages.translate, drafted.short_id, "en", "Stadiou closed.", actor="comms"
    )
    sent = submit(desk, edited)
    assert desk.app.messages.waiting_for_review(desk.op.id) == 1
    desk.app.context.clock.advance(minutes=2)  # type: ignore[attr-defined]
    done = approve(desk, sent, expected_hash=sent.content_hash)

    assert done.version == 2 and done.submitted_hash == done.content_hash
    assert desk.app.messages.waiting_for_review(desk.op.id) == 0
    [approval] = done.approvals
    assert (approval.approved_by, approval.content_hash, approval.unreviewed) == ("cmdr", done.content_hash, False)
    assert approval.content["variants"] == [[v.language, v.channel, v.text] for v in done.variants]
    assert approval.content["channels"] == [MASTODON, SANDBOX]

    rows = outbox(desk, done)
    assert len(rows) == 2 * len(CORE_LANGUAGES) == 14
    assert {(r.channel_id, r.language) for r in rows} == {
        (c.id, lang) for c in done.channels for lang in CORE_LANGUAGES
    }
    assert len({r.idempotency_key for r in rows}) == 14
    assert all(re.fullmatch(r"[0-9a-f]{32}", r.idempotency_key) for r in rows)
    with desk.app.db.read() as session:
        approval_id = session.scalars(select(Approval.id).where(Approval.message_id == done.id)).one()
    assert all(r.status == "queued" and r.approval_id == approval_id and r.attempts == 0 for r in rows)
    assert {(o.channel, o.language, o.text) for o in done.outbox} == {
        (c.name, lang, done.text(lang, c.name)) for c in done.channels for lang in CORE_LANGUAGES
    }
    assert [e.action for e in desk.app.audit.trail(f"message:{done.id.hex}")] == [
        "message.draft",
        "message.translate",
        "message.submit",
        "message.approve",
    ]
    verdict = desk.app.audit.verify()
    assert verdict.ok, verdict.reason


def test_approval_and_its_outbox_rows_are_one_transaction(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """If anything fails after the rows are queued (here: writing the audit entry), neither the approval nor a
    single outbox row is kept, and the message is still waiting."""
    sent = ready(desk)
    record = desk.app.context.record

    def failing(session: Any, actor: str | None, action: str, subject: str, **data: Any) -> None:
        if action == "message.approve":
            assert desk.count("outbox_items") == 0  # not committed: another connection sees nothing yet
            session.flush()
            raise OSError("disk full")
        record(session, actor, action, subject, **data)

    with monkeypatch.context() as patch:
        patch.setattr(desk.app.context, "record", failing)
        refused_approval(desk, OSError, "disk full", sent)
    assert desk.app.messages.get(sent.short_id) == sent
    approve(desk, sent)


def test_a_rejected_message_keeps_its_reason_until_it_is_edited(desk: Desk) -> None:
    sent = ready(desk)
    rejected = desk.changed(
        "message.reject", desk.app.approvals.reject, sent.short_id, actor="cmdr", reason="  Wrong street name. "
    )
    assert (rejected.status, rejected.status_reason, rejected.approvals) == (
        MessageStatus.REJECTED,
        "Wrong street name.",
        [],
    )
    assert outbox(desk, rejected) == []
    refused_approval(desk, ConflictError, "rejected cannot be approved", rejected)
    desk.refused(ConflictError, "rejected cannot be submitted", desk.app.approvals.submit, sent.short_id, actor="comms")
    desk.refused(
        ConflictError, "rejected cannot be rejected", desk.app.approvals.reject, sent.short_id, actor="cmdr", reason="x"
    )
    fixed = desk.changed(
        "message.translate", desk.app.messages.translate, sent.short_id, "en", "Panepistimiou closed.", actor="comms"
    )
    assert (fixed.status, fixed.status_reason) == (MessageStatus.DRAFT, "")
    approve(desk, submit(desk, fixed))
    assert desk.app.audit.verify().ok


@pytest.mark.parametrize(
    ("reason", "actor", "error", "match"),
    [
        ("", "cmdr", ValidationError, "Say why"),
        ("  \n ", "cmdr", ValidationError, "Say why"),
        ("x" * 501, "cmdr", ValidationError, "501 characters long; the limit is 500"),
        ("Wrong", "comms", PermissionDeniedError, "only a commander may approve or reject"),
        ("Wrong", "trainer", PermissionDeniedError, "only a commander may approve or reject"),
        ("Wrong", "watcher", PermissionDeniedError, "only a commander"),
    ],
)
def test_bad_rejections_are_refused(
    desk: Desk, reason: str, actor: str, error: type[CrowdOpsError], match: str
) -> None:
    sent = ready(desk)
    desk.refused(error, match, desk.app.approvals.reject, sent.short_id, actor=actor, reason=reason)


def test_illegal_transitions_are_refused(desk: Desk) -> None:
    approvals = desk.app.approvals
    draft = desk.draft()
    refused_approval(desk, ConflictError, "draft cannot be approved", draft)
    desk.refused(ConflictError, "draft cannot be rejected", approvals.reject, draft.short_id, actor="cmdr", reason="No")

    sent = submit(desk, draft)
    desk.refused(
        ConflictError, "waiting for approval cannot be submitted", approvals.submit, sent.short_id, actor="comms"
    )

    done = approve(desk, sent)
    desk.refused(
        ConflictError, "approved cannot be rejected", approvals.reject, done.short_id, actor="cmdr", reason="No"
    )
    desk.refused(ConflictError, "approved cannot be submitted", approvals.submit, done.short_id, actor="comms")
    refused_approval(desk, ConflictError, "already approved", done)


def test_a_withdrawn_message_accepts_nothing(desk: Desk, cmdr2: str) -> None:
    record = desk.draft(priority="life-safety")
    desk.app.approvals.withdraw(record.short_id, actor="comms", reason="Not needed.")
    approvals, messages, short = desk.app.approvals, desk.app.messages, record.short_id
    desk.refused(ConflictError, "withdrawn cannot be submitted", approvals.submit, short, actor="comms")
    refused_approval(desk, ConflictError, "withdrawn cannot be approved", record, actor=cmdr2)
    refused_approval(desk, ConflictError, "withdrawn cannot be approved", record, break_glass_reason="Crush")
    desk.refused(ConflictError, "withdrawn cannot be rejected", approvals.reject, short, actor="cmdr", reason="No")
    desk.refused(ConflictError, "withdrawn cannot be withdrawn", approvals.withdraw, short, actor="comms")
    desk.refused(ConflictError, "withdrawn cannot be edited", messages.translate, short, "el", "Όχι", actor="comms")
    desk.refused(ConflictError, "withdrawn cannot be edited", messages.set_channels, short, [MASTODON], actor="comms")


# -- editing after submission or approval ---------------------------------------------------------------------------


def test_editing_a_submitted_message_returns_it_to_draft(desk: Desk) -> None:
    sent = ready(desk)
    edited = desk.changed(
        "message.translate", desk.app.messages.translate, sent.short_id, "el", "Κλειστή.", actor="comms"
    )
    assert (edited.status, edited.submitted_hash) == (MessageStatus.DRAFT, None)
    refused_approval(desk, ConflictError, "draft cannot be approved", edited)
    refused_approval(desk, ConflictError, "changed after you reviewed it", edited, expected_hash=sent.content_hash)


EDITS = {
    "translate": (
        "message.translate",
        lambda app, ref: app.messages.translate(ref, "en", "Closed now.", actor="comms"),
    ),
    "a channel's text": (
        "message.translate",
        lambda app, ref: app.messages.translate(ref, "en", "Closed.", actor="comms", channel=MASTODON),
    ),
    "a new language": (
        "message.translate",
        lambda app, ref: app.messages.translate(ref, "el", "Κλειστή.", actor="comms"),
    ),
    "set_channels": ("message.channels", lambda app, ref: app.messages.set_channels(ref, [MASTODON], actor="comms")),
}


@pytest.mark.parametrize("edit", EDITS)
def test_editing_an_approved_message_voids_the_approval_and_cancels_its_posts(desk: Desk, edit: str) -> None:
    done = approve(desk, ready(desk))
    assert [o.status for o in done.outbox] == ["queued", "queued"]
    action, change = EDITS[edit]
    edited = desk.changed(action, change, desk.app, done.short_id)
    assert (edited.status, edited.submitted_hash, edited.status_reason) == (MessageStatus.DRAFT, None, "")
    assert edited.content_hash != done.content_hash
    assert [o.status for o in edited.outbox] == ["cancelled", "cancelled"]
    assert all(r.last_error == "The message was edited after approval." for r in outbox(desk, edited))
    [(_, _, data)] = desk.audit_since(desk.head() - 1)
    assert json.loads(data) | {"previous_status": "approved", "cancelled_posts": 2} == json.loads(data)
    assert edited.last_approval == done.last_approval  # the old approval stays on record, no longer in force
    refused_approval(desk, ConflictError, "draft cannot be approved", edited)

    desk.app.context.clock.advance(minutes=1)  # type: ignore[attr-defined]
    again = approve(desk, submit(desk, edited))
    assert len(again.approvals) == 2 and again.last_approval and again.last_approval.content_hash == again.content_hash
    statuses = sorted(o.status for o in again.outbox)
    assert statuses == ["cancelled", "cancelled"] + ["queued"] * len(again.channels) * len(again.languages)


@pytest.mark.parametrize("names", [[MASTODON, SANDBOX], [SANDBOX, "police mastodon", MASTODON]])
def test_setting_the_same_channels_again_is_no_edit(desk: Desk, names: list[str]) -> None:
    """It used to count as an edit: the approval voided and the queued posts cancelled, for no change at all."""
    done = approve(desk, ready(desk))
    setting = desk.app.messages.set_channels
    desk.refused(
        ValidationError, "already goes to exactly those channels", setting, done.short_id, names, actor="comms"
    )
    assert desk.app.messages.get(done.short_id) == done


# -- withdrawing -----------------------------------------------------------------------------------------------


def _to_state(desk: Desk, state: str) -> MessageRecord:
    record = desk.draft()
    if state == "draft":
        return record
    record = submit(desk, record)
    if state == "rejected":
        return desk.app.approvals.reject(record.short_id, actor="cmdr", reason="No.")
    if state == "approved":
        return approve(desk, record)
    return record


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "rejected"])
@pytest.mark.parametrize("actor", ["comms", "cmdr"])
def test_a_message_may_be_withdrawn_at_any_point_before_publication(desk: Desk, state: str, actor: str) -> None:
    record = _to_state(desk, state)
    queued = 2 if state == "approved" else 0
    done = desk.changed(
        "message.withdraw", desk.app.approvals.withdraw, record.short_id, actor=actor, reason=" Event cancelled. "
    )
    assert (done.status, done.status_reason) == (MessageStatus.WITHDRAWN, "Event cancelled.")
    assert [o.status for o in done.outbox] == ["cancelled"] * queued
    assert all(r.last_error == "The message was withdrawn." for r in outbox(desk, done))
    [(_, _, data)] = desk.audit_since(desk.head() - 1)
    assert json.loads(data) == {"reason": "Event cancelled.", "cancelled_posts": queued}


def test_a_withdrawal_reason_over_the_limit_is_refused_not_cut(desk: Desk) -> None:
    """Like a rejection's reason; it used to be cut to 500 characters without a word."""
    record = ready(desk)
    withdrawing = desk.app.approvals.withdraw
    desk.refused(
        ValidationError,
        "501 characters long; the limit is 500",
        withdrawing,
        record.short_id,
        actor="comms",
        reason="x" * 501,
    )
    done = desk.changed("message.withdraw", withdrawing, record.short_id, actor="comms", reason="x" * 500)
    assert done.status_reason == "x" * 500


@pytest.mark.parametrize(("actor", "match"), [("watcher", "observer"), ("trainer", "trainer"), ("nobody", "No user")])
def test_only_its_contributors_and_approvers_withdraw_a_message(desk: Desk, actor: str, match: str) -> None:
    record = ready(desk)
    error = NotFoundError if actor == "nobody" else PermissionDeniedError
    desk.refused(error, match, desk.app.approvals.withdraw, record.short_id, actor=actor)


# -- who approves --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["comms", "trainer", "watcher"])
def test_only_a_commander_approves_in_a_live_operation(desk: Desk, actor: str) -> None:
    record = ready(desk)
    refused_approval(desk, PermissionDeniedError, "only a commander may approve", record, actor=actor)


def test_approval_needs_the_approvers_own_passphrase(desk: Desk) -> None:
    record = ready(desk)
    approving = desk.app.approvals.approve
    desk.refused(
        PermissionDeniedError,
        "Wrong passphrase for cmdr",
        approving,
        record.short_id,
        actor="cmdr",
        passphrase="secret-2",
    )
    desk.refused(PermissionDeniedError, "Wrong passphrase", approving, record.short_id, actor="cmdr", passphrase="")
    desk.refused(
        NotFoundError, "No user named 'ghost'", approving, record.short_id, actor="ghost", passphrase="secret-1"
    )
    approve(desk, record)


def test_the_author_may_not_approve_but_a_second_commander_may(desk: Desk, cmdr2: str) -> None:
    record = ready(desk, actor="cmdr")
    refused_approval(desk, PermissionDeniedError, "cmdr wrote or edited this message and so may not approve it", record)
    approve(desk, record, actor=cmdr2)


@pytest.mark.parametrize(
    "edit",
    [
        lambda app, ref: app.messages.translate(ref, "el", "Κλειστή η Σταδίου.", actor="cmdr"),
        lambda app, ref: app.messages.translate(ref, "en", "Closed.", actor="cmdr", channel=MASTODON),
        lambda app, ref: app.messages.set_channels(ref, [MASTODON], actor="cmdr"),
    ],
)
def test_an_editor_may_not_approve_either(desk: Desk, cmdr2: str, edit: Any) -> None:
    record = desk.draft()
    edit(desk.app, record.short_id)
    sent = submit(desk, desk.app.messages.get(record.short_id))
    assert sent.contributors == ["cmdr", "comms"]
    refused_approval(desk, PermissionDeniedError, "wrote or edited", sent)
    approve(desk, sent, actor=cmdr2)


def test_submitting_someone_elses_message_is_not_authoring_it(desk: Desk) -> None:
    record = desk.draft()
    approve(desk, submit(desk, record, actor="cmdr"))


def test_approval_is_bound_to_the_content_the_approver_reviewed(desk: Desk) -> None:
    reviewed = ready(desk)
    desk.app.messages.translate(reviewed.short_id, "en", "Stadiou Street is closed until 19:00.", actor="comms")
    current = desk.app.approvals.submit(reviewed.short_id, actor="comms")
    assert current.content_hash != reviewed.content_hash
    refused_approval(desk, ConflictError, "changed after you reviewed it", current, expected_hash=reviewed.content_hash)
    refused_approval(desk, ConflictError, "changed after you reviewed it", current, expected_hash="0" * 64)
    done = approve(desk, current, expected_hash=current.content_hash)
    assert done.last_approval and done.last_approval.content["variants"] == [
        ["en", None, "Stadiou Street is closed until 19:00."]
    ]


def test_approving_twice_queues_once(desk: Desk, cmdr2: str) -> None:
    done = approve(desk, ready(desk))
    rows = outbox(desk, done)
    refused_approval(desk, ConflictError, "already approved; it was not approved twice", done)
    refused_approval(desk, ConflictError, "already approved", done, actor=cmdr2, expected_hash=done.content_hash)
    assert [r.id for r in outbox(desk, done)] == [r.id for r in rows]
    assert len(desk.app.messages.get(done.short_id).approvals) == 1


# -- break-glass --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("submitted", [True, False])
def test_break_glass_lets_a_commander_publish_their_own_life_safety_message(desk: Desk, submitted: bool) -> None:
    record = desk.draft(DANGER, actor="cmdr", priority="life-safety")
    if submitted:
        record = submit(desk, record, actor="cmdr")
    done = approve(desk, record, break_glass_reason="  Crush at the square; no second commander reachable.  ")
    approval = done.last_approval
    assert approval and approval.unreviewed and approval.approved_by == "cmdr"
    assert approval.break_glass_reason == "Crush at the square; no second commander reachable."
    assert len(outbox(desk, done)) == 2
    [(_, _, data)] = desk.audit_since(desk.head() - 1)
    assert json.loads(data)["reason"] == "Crush at the square; no second commander reachable."
    refused_approval(desk, ConflictError, "approved cannot be approved", done, break_glass_reason="Again")


@pytest.mark.parametrize(
    ("actor", "priority", "reason", "error", "match"),
    [
        ("cmdr", "urgent", "Crush", PermissionDeniedError, "Only a life-safety message"),
        ("cmdr", "routine", "Crush", PermissionDeniedError, "Only a life-safety message"),
        ("cmdr", "life-safety", "", ValidationError, "needs a written reason"),
        ("cmdr", "life-safety", " \t\n", ValidationError, "needs a written reason"),
        ("cmdr", "life-safety", "x" * 501, ValidationError, "limit is 500"),
        ("comms", "life-safety", "Crush", PermissionDeniedError, "only a commander may approve"),
    ],
)
def test_break_glass_is_refused(
    desk: Desk, actor: str, priority: str, reason: str, error: type[CrowdOpsError], match: str
) -> None:
    record = ready(desk, DANGER, actor="cmdr", priority=priority)
    refused_approval(desk, error, match, record, actor=actor, break_glass_reason=reason)


def test_break_glass_is_for_commanders_only_even_in_an_exercise(desk: Desk) -> None:
    drill = exercise_op(desk)
    record = submit(
        desk, desk.draft(DANGER, operation=drill.id, priority="life-safety", actor="trainer"), actor="trainer"
    )
    refused_approval(
        desk,
        PermissionDeniedError,
        "Only a commander may publish without",
        record,
        actor="trainer",
        break_glass_reason="Drill",
    )


def test_break_glass_still_needs_the_privacy_flags_acknowledged_and_the_text_to_fit(desk: Desk) -> None:
    private = desk.draft(DANGER + " Call +30 210 1234567.", actor="cmdr", priority="life-safety")
    refused_approval(desk, ValidationError, "Acknowledge the privacy flags first", private, break_glass_reason="Crush")
    long = desk.draft("Danger. " * 70, actor="cmdr", priority="life-safety")
    refused_approval(desk, ValidationError, "Too long for Police Mastodon", long, break_glass_reason="Crush")


# -- exercises -----------------------------------------------------------------------------------------------------


def test_a_trainer_composes_and_approves_in_an_exercise_on_sandbox_channels_only(desk: Desk) -> None:
    desk.app.channels.add(X, "x", actor="cmdr")
    drill = exercise_op(desk)
    by_comms = submit(desk, desk.draft("Drill: gate 4 closed.", operation=drill.id))
    done = approve(desk, by_comms, actor="trainer")
    assert [(o.channel, o.platform) for o in done.outbox] == [(SANDBOX, "sandbox")]

    by_trainer = submit(desk, desk.draft("Drill: gate 5 open.", operation=drill.id, actor="trainer"), actor="trainer")
    refused_approval(desk, PermissionDeniedError, "trainer wrote or edited", by_trainer, actor="trainer")
    assert approve(desk, by_trainer, actor="cmdr").outbox[0].platform == "sandbox"


def test_a_trainer_may_not_approve_in_a_live_operation(desk: Desk) -> None:
    refused_approval(desk, PermissionDeniedError, "only a commander may approve", ready(desk), actor="trainer")


# -- privacy -------------------------------------------------------------------------------------------------------


def test_personal_data_is_flagged_and_must_be_acknowledged_before_submitting(desk: Desk) -> None:
    record = desk.draft(PRIVATE)
    assert [(f.flag.key, f.language, f.acknowledged_by) for f in record.flags] == [
        (PHONE, "en", None),
        (EMAIL, "en", None),
    ]
    submitting = desk.app.approvals.submit
    raised = desk.refused(
        ValidationError, "must be acknowledged before submitting", submitting, record.short_id, actor="comms"
    )
    assert f"[{PHONE}]" in str(raised.value) and f"[{EMAIL}]" in str(raised.value)
    raised = desk.refused(
        ValidationError, "acknowledged", submitting, record.short_id, actor="comms", acknowledge=[PHONE]
    )
    assert f"[{EMAIL}]" in str(raised.value) and PHONE not in str(raised.value)
    desk.refused(
        ValidationError,
        r"No open privacy flag phone:\+3000 on this message",
        submitting,
        record.short_id,
        actor="comms",
        acknowledge=[PHONE, EMAIL, "phone:+3000"],
    )


@pytest.mark.parametrize("how", [{"acknowledge": [EMAIL, PHONE]}, {"acknowledge_all": True}])
def test_each_acknowledgement_is_recorded_and_audited(desk: Desk, how: dict[str, Any]) -> None:
    record = desk.draft(PRIVATE)
    # the same number in another language is the same flag: acknowledged once
    record = desk.app.messages.translate(record.short_id, "el", "Τηλέφωνο: +30 210 1234567.", actor="comms")
    assert len(record.flags) == 3
    head = desk.head()
    sent = submit(desk, record, **how)
    acks = [(action, json.loads(data)) for action, _, data in desk.audit_since(head)][:-1]
    assert sorted((a, d["key"], d["kind"]) for a, d in acks) == [
        ("message.privacy-ack", EMAIL, "email"),
        ("message.privacy-ack", PHONE, "phone"),
    ]
    assert desk.count("privacy_acks") == 2
    assert sent.unacknowledged == [] and {f.acknowledged_by for f in sent.flags} == {"comms"}
    assert approve(desk, sent).status is MessageStatus.APPROVED


def test_a_key_acknowledged_twice_is_one_acknowledgement(desk: Desk) -> None:
    """It was a raw UNIQUE constraint error from privacy_acks."""
    sent = submit(desk, desk.draft(PRIVATE), acknowledge=[PHONE, EMAIL, PHONE])
    assert desk.count("privacy_acks") == 2 and sent.unacknowledged == []


def test_a_message_without_personal_data_has_nothing_to_acknowledge(desk: Desk) -> None:
    record = desk.draft("Call 112 in an emergency.")
    assert record.flags == []
    desk.refused(
        ValidationError,
        "No open privacy flag",
        desk.app.approvals.submit,
        record.short_id,
        actor="comms",
        acknowledge=[PHONE],
    )
    submit(desk, record, acknowledge_all=True)


def test_an_acknowledgement_survives_an_edit_elsewhere_in_the_text(desk: Desk) -> None:
    sent = submit(desk, desk.draft(PRIVATE), acknowledge_all=True)
    edited = desk.app.messages.translate(sent.short_id, "en", PRIVATE.replace("Lost", "Missing"), actor="comms")
    assert edited.unacknowledged == []
    submit(desk, edited)


# -- platform limits at submission ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "platform", "fits", "too_long", "match"),
    [
        (MASTODON, "mastodon", "é" * 500, "é" * 501, r"Police Mastodon \(en\): 501 of 500 characters"),
        (MASTODON, "mastodon", "بُ" * 500, "بُ" * 501, r"Police Mastodon \(ar\): 501 of 500 characters"),
        (X, "x", "x" * 280, "x" * 281, r"Police X \(en\): 281 of 280 weighted characters"),
        (X, "x", "ά" * 280, "ά" * 140 + "🚧" * 71, r"Police X \(el\): 282 of 280 weighted characters"),
    ],
)
def test_a_text_over_a_channels_limit_is_refused_at_submission(
    desk: Desk, channel: str, platform: str, fits: str, too_long: str, match: str
) -> None:
    if channel == X:
        desk.app.channels.add(X, "x", actor="cmdr")
    lang = "ar" if "ب" in fits else "el" if "ά" in fits else "en"
    assert submit(desk, desk.draft(fits, language=lang, channels=[channel])).status is MessageStatus.SUBMITTED
    record = desk.draft(too_long, language=lang, channels=[channel])
    desk.refused(ValidationError, match, desk.app.approvals.submit, record.short_id, actor="comms")
    # the channel's own, shorter text makes it fit, and is what that channel is sent
    fixed = desk.app.messages.translate(record.short_id, lang, fits, actor="comms", channel=channel)
    done = approve(desk, submit(desk, fixed))
    assert [(o.channel, o.text) for o in done.outbox] == [(channel, fits)]


def test_every_channel_the_text_is_too_long_for_is_named(desk: Desk) -> None:
    desk.app.channels.add(X, "x", actor="cmdr")
    record = desk.draft("x" * 501)
    raised = desk.refused(ValidationError, "Too long for", desk.app.approvals.submit, record.short_id, actor="comms")
    assert re.findall(r"(Police \w+|Training feed) \(en\)", str(raised.value)) == [MASTODON, X, SANDBOX]


def test_a_message_without_a_channel_cannot_be_submitted(desk: Desk) -> None:
    record = desk.draft(channels=[])
    desk.refused(ValidationError, "no channel to go to", desk.app.approvals.submit, record.short_id, actor="comms")


@pytest.mark.parametrize(("actor", "match"), [("watcher", "observer"), ("trainer", "trainer")])
def test_only_composers_submit(desk: Desk, actor: str, match: str) -> None:
    record = desk.draft()
    desk.refused(PermissionDeniedError, match, desk.app.approvals.submit, record.short_id, actor=actor)


# -- audit ----------------------------------------------------------------------------------------------------------


def test_a_full_lifecycle_leaves_a_verifiable_chain_with_one_entry_per_change(desk: Desk, cmdr2: str) -> None:
    """Every change above was checked one by one by Desk.changed; here the chain they make, refusals included."""
    start = desk.head()
    first = desk.draft(PRIVATE, actor="comms", priority="life-safety")
    desk.app.messages.translate(first.short_id, "el", "Χάθηκε παιδί.", actor="cmdr")
    desk.app.messages.set_channels(first.short_id, [MASTODON], actor="comms")
    desk.app.approvals.submit(first.short_id, actor="comms", acknowledge_all=True)
    with pytest.raises(PermissionDeniedError):
        desk.app.approvals.approve(first.short_id, actor="cmdr", passphrase=PASS["cmdr"])
    desk.app.approvals.reject(first.short_id, actor="cmdr2", reason="Name the meeting point.")
    desk.app.messages.translate(first.short_id, "en", PRIVATE + " Meet at the kiosk.", actor="comms")
    desk.app.approvals.submit(first.short_id, actor="comms")
    desk.app.approvals.approve(first.short_id, actor="cmdr2", passphrase=PASS["cmdr2"])
    desk.app.approvals.withdraw(first.short_id, actor="comms", reason="Child found.")
    second = desk.draft(DANGER, actor="cmdr", priority="life-safety")
    desk.app.approvals.approve(second.short_id, actor="cmdr", passphrase=PASS["cmdr"], break_glass_reason="Crush.")

    assert [a for a, _, _ in desk.audit_since(start)] == [
        "message.draft",
        "message.translate",
        "message.channels",
        "message.privacy-ack",
        "message.privacy-ack",
        "message.submit",
        "message.reject",
        "message.translate",
        "message.submit",
        "message.approve",
        "message.withdraw",
        "message.draft",
        "message.break-glass",
    ]
    verdict = desk.app.audit.verify()
    assert verdict.ok and verdict.checked == desk.head()
