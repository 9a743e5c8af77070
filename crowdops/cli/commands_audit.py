"""crowdops audit verify | head"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.output import emit_json

if TYPE_CHECKING:
    from crowdops.app import App


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit chain", parents=[shared])
    actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify", help="check every entry of the chain; exit 1 at the first bad one", parents=[shared]
    )
    verify.set_defaults(handler=_verify)
    head = actions.add_parser(
        "head", help="the latest sequence number and MAC (note them elsewhere as an anchor)", parents=[shared]
    )
    head.set_defaults(handler=_head)


def _verify(app: "App", args: argparse.Namespace) -> int:
    verdict = app.audit.verify()
    if args.json:
        emit_json(
            {"ok": verdict.ok, "checked": verdict.checked, "first_bad": verdict.first_bad, "reason": verdict.reason}
        )
    elif verdict.ok:
        print(f"Audit chain intact: {verdict.checked} entries checked.")
    else:
        print(
            f"Audit chain BROKEN at entry {verdict.first_bad}: {verdict.reason} "
            f"({verdict.checked} entries before it check out)."
        )
    return 0 if verdict.ok else 1


def _head(app: "App", args: argparse.Namespace) -> None:
    head = app.audit.head()
    if args.json:
        emit_json({"seq": head.seq, "mac": head.mac, "at": head.at} if head else {"seq": 0, "mac": None, "at": None})
    elif head is None:
        print("The audit log is empty.")
    else:
        print(f"{head.seq} {head.mac}")
