"""crowdops sync --once | --watch, and crowdops outbox list | retry | cancel | resolve"""

import argparse
import signal
import sys
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from crowdops.cli.common import add_actor
from crowdops.cli.output import emit_json, print_table
from crowdops.domain.outbox import PENDING

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.services.outbox import OutboxEntry
    from crowdops.sync.dispatcher import DrainReport

NOT_DONE = 3  # `sync --once`: something is still queued, sending or unknown


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    sync = commands.add_parser("sync", help="publish what the outbox holds", parents=[shared])
    mode = sync.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="send what is due now and stop (exit 3 if any is left)")
    mode.add_argument("--watch", action="store_true", help="keep sending as posts fall due, until stopped")
    sync.add_argument(
        "--interval", type=float, default=30.0, metavar="SECONDS", help="--watch: look at least this often"
    )
    sync.set_defaults(handler=_sync)

    outbox = commands.add_parser("outbox", help="approved posts waiting to be, or being, published", parents=[shared])
    actions = outbox.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every post with its state", parents=[shared])
    listing.add_argument("--status", help="only this state: queued, sending, sent, unknown, held, failed, cancelled")
    listing.set_defaults(handler=_list)
    retry = actions.add_parser(
        "retry", help="try a post again now (a post that may be out is checked first)", parents=[shared]
    )
    retry.add_argument("id")
    add_actor(retry, required=False)
    retry.set_defaults(handler=_retry)
    cancel = actions.add_parser("cancel", help="stop a post that has not gone out", parents=[shared])
    cancel.add_argument("id")
    add_actor(cancel)
    cancel.set_defaults(handler=_cancel)
    resolve = actions.add_parser("resolve", help="say whether an unknown or held post is out", parents=[shared])
    resolve.add_argument("id")
    fate = resolve.add_mutually_exclusive_group(required=True)
    fate.add_argument("--sent", metavar="URL", help="it is published, at this address")
    fate.add_argument("--not-sent", action="store_true", help="it is not published: send it")
    add_actor(resolve)
    resolve.set_defaults(handler=_resolve)
    stale = actions.add_parser(
        "stale-after", help="how long a post may wait before it is held for re-confirmation", parents=[shared]
    )
    stale.add_argument("priority", nargs="?", help="routine, urgent or life-safety (none: show all)")
    stale.add_argument("minutes", nargs="?", type=int, help="the new limit in minutes")
    add_actor(stale, required=False)
    stale.set_defaults(handler=_stale_after)


def entry_json(e: "OutboxEntry") -> dict[str, Any]:
    return {
        "id": str(e.id),
        "message_id": str(e.message_id),
        "channel": e.channel,
        "platform": e.platform,
        "language": e.language,
        "priority": e.priority,
        "status": e.status.value,
        "attempts": e.attempts,
        "created_at": e.created_at.isoformat(),
        "next_attempt_at": e.next_attempt_at.isoformat() if e.next_attempt_at else None,
        "not_before": e.not_before.isoformat() if e.not_before else None,
        "sent_at": e.sent_at.isoformat() if e.sent_at else None,
        "last_error": e.last_error,
        "url": e.remote_url,
    }


def _report_json(report: "DrainReport", recovered: int) -> dict[str, Any]:
    return {
        "outcomes": report.counts,
        "recovered": recovered,
        "pending": report.pending,
        "next_due": report.next_due.isoformat() if report.next_due else None,
        "unreachable": report.channels_unreachable,
    }


def _describe(report: "DrainReport") -> str:
    done = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())) or "nothing was due"
    line = f"This pass: {done}."
    if report.pending:
        when = f", next due {report.next_due:%H:%M:%S} UTC" if report.next_due else ""
        line += f" {report.pending} still waiting{when}."
    if report.channels_unreachable:
        line += " Not reachable: " + ", ".join(report.channels_unreachable) + "."
    return line


def _sync(app: "App", args: argparse.Namespace) -> int:
    if args.once:
        result = app.sync.once()
        if args.json:
            emit_json(_report_json(result.report, result.recovered))
        else:
            if result.recovered:
                print(f"{result.recovered} post(s) were being sent when CrowdOps stopped; they are checked first.")
            print(_describe(result.report))
        return NOT_DONE if result.report.pending else 0
    return _watch(app, args)


def _watch(app: "App", args: argparse.Namespace) -> int:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    app.sync.start(interval=timedelta(seconds=max(args.interval, 0.5)))
    print("Publishing from the outbox; Ctrl+C stops.", flush=True)
    worker_busy_said = False
    while not stop.wait(1.0):
        if app.sync.lock_busy and not worker_busy_said:
            print(f"crowdops: {_second_worker()}", file=sys.stderr, flush=True)
            worker_busy_said = True
    app.sync.stop()
    return 0


def _second_worker() -> str:
    from crowdops.services.sync import SECOND_WORKER

    return SECOND_WORKER


def _list(app: "App", args: argparse.Namespace) -> None:
    entries = app.outbox.list(status=args.status)
    if args.json:
        emit_json([entry_json(e) for e in entries])
        return
    if not entries:
        print("The outbox is empty." if not args.status else f"No post is {args.status}.")
        return
    rows = [
        [
            e.id.hex[:8],
            e.channel,
            e.language,
            e.words,
            str(e.attempts),
            e.remote_url or e.last_error,
        ]
        for e in entries
    ]
    print_table(["ID", "CHANNEL", "LANG", "STATE", "TRIES", "LINK OR LAST ERROR"], rows)
    open_count = sum(1 for e in entries if e.status in PENDING)
    if open_count:
        print(f"\n{open_count} post(s) still to publish: crowdops sync --once")


def _print_entry(entry: "OutboxEntry", args: argparse.Namespace, verb: str) -> None:
    if args.json:
        emit_json(entry_json(entry))
    else:
        print(f"{verb} {entry.id.hex[:8]} ({entry.channel}, {entry.language}): {entry.words}.")


def _retry(app: "App", args: argparse.Namespace) -> None:
    _print_entry(app.outbox.retry(args.id, actor=args.actor), args, "Retrying")


def _cancel(app: "App", args: argparse.Namespace) -> None:
    _print_entry(app.outbox.cancel(args.id, actor=args.actor), args, "Cancelled")


def _resolve(app: "App", args: argparse.Namespace) -> None:
    entry = app.outbox.resolve(args.id, actor=args.actor, sent_url=args.sent, not_sent=args.not_sent)
    _print_entry(entry, args, "Resolved")


def _stale_after(app: "App", args: argparse.Namespace) -> None:
    if args.priority is None:
        limits = app.outbox.stale_after()
    elif args.minutes is None or args.actor is None:
        from crowdops.domain.errors import ValidationError

        raise ValidationError("Give the priority, the minutes and who you are: stale-after urgent 90 --as USER.")
    else:
        limits = app.outbox.set_stale_after(args.priority, args.minutes, actor=args.actor)
    minutes = {p: int(limit.total_seconds() // 60) for p, limit in limits.items()}
    if args.json:
        emit_json(minutes)
    else:
        for priority, value in minutes.items():
            print(f"{priority}: held after {value} min")
