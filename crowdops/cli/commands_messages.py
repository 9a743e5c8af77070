"""crowdops message draft | translate | submit | approve | reject | withdraw | list | show"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor, add_op, read_passphrase, template_values
from crowdops.cli.output import emit_json
from crowdops.domain.errors import ValidationError
from crowdops.services.inputs import DraftInput

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.services.message_records import MessageRecord


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    message = commands.add_parser(
        "message", help="public messages: draft, translate, submit, approve", parents=[shared]
    )
    actions = message.add_subparsers(dest="action", required=True, metavar="ACTION")

    draft = actions.add_parser("draft", help="write a new message; prints its id", parents=[shared])
    draft.add_argument("--text", help="the text (or use --template)")
    draft.add_argument("--lang", help="language code, e.g. en, el, ar (default en; with a template: all its languages)")
    draft.add_argument("--purpose", help="guidance, warning, rumour-response, decision-explanation, all-clear, ...")
    draft.add_argument("--priority", help="routine, urgent or life-safety")
    draft.add_argument("--channel", action="append", metavar="NAME", help="a channel to publish to (repeat)")
    draft.add_argument("--template", metavar="ID", help="a pre-approved template (see: crowdops template list)")
    draft.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a template value (repeat)")
    draft.add_argument(
        "--link",
        action="append",
        default=[],
        metavar="KIND:ID",
        help="what it answers: incident:ID, rumour:ID or decision:ID (repeat)",
    )
    add_op(draft)
    add_actor(draft)
    draft.set_defaults(handler=_draft)

    translate = actions.add_parser(
        "translate", help="set the text of one language (an edit: back to draft)", parents=[shared]
    )
    translate.add_argument("id")
    translate.add_argument("--lang", required=True)
    translate.add_argument("--text", required=True)
    translate.add_argument("--channel", metavar="NAME", help="that channel's own text instead of the default")
    add_actor(translate)
    translate.set_defaults(handler=_translate)

    submit = actions.add_parser("submit", help="send a draft for approval", parents=[shared])
    submit.add_argument("id")
    submit.add_argument(
        "--ack",
        action="append",
        default=[],
        metavar="KEY",
        help="acknowledge one privacy flag, by the key shown (repeat)",
    )
    submit.add_argument("--ack-all", action="store_true", help="acknowledge every privacy flag shown")
    add_actor(submit)
    submit.set_defaults(handler=_submit)

    approve = actions.add_parser("approve", help="approve a submitted message (asks your passphrase)", parents=[shared])
    approve.add_argument("id")
    approve.add_argument("--hash", metavar="SHA256", help="the content hash you reviewed (from: message show)")
    approve.add_argument(
        "--publish-at", metavar="WHEN", help="hold the posts until then: ISO 8601 or HH:MM (its next occurrence)"
    )
    approve.add_argument(
        "--break-glass",
        metavar="REASON",
        help="publish your own life-safety message without a second approver, for this reason",
    )
    add_actor(approve)
    approve.set_defaults(handler=_approve)

    reject = actions.add_parser("reject", help="send a submitted message back with a reason", parents=[shared])
    reject.add_argument("id")
    reject.add_argument("--reason", required=True)
    add_actor(reject)
    reject.set_defaults(handler=_reject)

    withdraw = actions.add_parser("withdraw", help="stop a message before it is published", parents=[shared])
    withdraw.add_argument("id")
    withdraw.add_argument("--reason", default="")
    add_actor(withdraw)
    withdraw.set_defaults(handler=_withdraw)

    listing = actions.add_parser("list", help="the operation's messages, newest first", parents=[shared])
    listing.add_argument("--status", help="draft, submitted, approved, rejected or withdrawn")
    add_op(listing)
    listing.set_defaults(handler=_list)

    show = actions.add_parser(
        "show", help="one message: every text, flags, approvals, outbox, audit trail", parents=[shared]
    )
    show.add_argument("id")
    show.set_defaults(handler=_show)


def _links(items: list[str]) -> list[tuple[str, str]]:
    links = []
    for item in items:
        kind, sep, ref = item.partition(":")
        if not sep:
            raise ValidationError(f"'{item}' is not KIND:ID (e.g. incident:3f2a19c0).")
        links.append((kind.strip().lower(), ref.strip()))
    return links


def _draft(app: "App", args: argparse.Namespace) -> None:
    if not args.template and args.text is None:
        raise ValidationError("Give the text with --text, or a template with --template.")
    op = app.operations.resolve(args.op)
    entry = DraftInput(
        text=args.text,
        language=args.lang,
        purpose=args.purpose,
        priority=args.priority,
        channels=args.channel,
        template=args.template,
        values=template_values(args.set),
        links=_links(args.link),
    )
    record = app.messages.draft(op.id, entry, actor=args.actor)
    _done(record, args, plain=str(record.id))


def _translate(app: "App", args: argparse.Namespace) -> None:
    record = app.messages.translate(args.id, args.lang, args.text, actor=args.actor, channel=args.channel)
    _done(record, args, plain=f"Message {record.short_id}: {args.lang} text set; it is a draft again.")


def _submit(app: "App", args: argparse.Namespace) -> None:
    record = app.approvals.submit(args.id, actor=args.actor, acknowledge=args.ack, acknowledge_all=args.ack_all)
    _done(
        record, args, plain=f"Message {record.short_id} submitted: waiting for approval (hash {record.content_hash})."
    )


def _approve(app: "App", args: argparse.Namespace) -> None:
    passphrase = read_passphrase(f"Passphrase for {args.actor}: ")
    record = app.approvals.approve(
        args.id,
        actor=args.actor,
        passphrase=passphrase,
        expected_hash=args.hash,
        break_glass_reason=args.break_glass,
        publish_at=args.publish_at,
    )
    queued = sum(1 for o in record.outbox if o.status == "queued")
    note = " UNREVIEWED (break glass)" if record.last_approval and record.last_approval.unreviewed else ""
    _done(record, args, plain=f"Message {record.short_id} approved{note}: {queued} posts queued.")


def _reject(app: "App", args: argparse.Namespace) -> None:
    record = app.approvals.reject(args.id, actor=args.actor, reason=args.reason)
    _done(record, args, plain=f"Message {record.short_id} rejected: {record.status_reason}")


def _withdraw(app: "App", args: argparse.Namespace) -> None:
    record = app.approvals.withdraw(args.id, actor=args.actor, reason=args.reason)
    _done(record, args, plain=f"Message {record.short_id} withdrawn.")


def _list(app: "App", args: argparse.Namespace) -> None:
    from crowdops.cli.message_output import message_json, print_message_list

    op = app.operations.resolve(args.op)
    messages = app.messages.list(op.id, args.status)
    if args.json:
        emit_json([message_json(m) for m in messages])
    else:
        print_message_list(messages, op)


def _show(app: "App", args: argparse.Namespace) -> None:
    from crowdops.cli.message_output import message_json, print_message

    record = app.messages.get(args.id)
    trail = app.audit.trail(f"message:{record.id.hex}")
    op = app.operations.get_by_id(record.operation_id)
    if args.json:
        data = message_json(record)
        data["audit"] = [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action} for e in trail]
        emit_json(data)
    else:
        print_message(record, op, trail)


def _done(record: "MessageRecord", args: argparse.Namespace, *, plain: str) -> None:
    from crowdops.cli.message_output import message_json  # loaded with the services: the GUI start needs neither

    if args.json:
        emit_json(message_json(record))
    else:
        print(plain)
