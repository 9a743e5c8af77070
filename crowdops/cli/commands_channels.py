"""crowdops channel add | secret | test | list, and crowdops template list | show"""

import argparse
import sys
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor
from crowdops.cli.output import emit_json, print_table

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.services.records import ChannelRecord


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    channel = commands.add_parser("channel", help="the official accounts messages are published to", parents=[shared])
    actions = channel.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="add a channel (its token goes to the keyring: channel secret)", parents=[shared]
    )
    add.add_argument("name")
    add.add_argument(
        "--kind",
        "--platform",
        dest="kind",
        required=True,
        help="mastodon, bluesky, x, facebook, telegram, webhook or sandbox",
    )
    _where_options(add, default="")
    add_actor(add)
    add.set_defaults(handler=_add)
    change = actions.add_parser("set", help="change where a channel publishes", parents=[shared])
    change.add_argument("name")
    _where_options(change, default=None)  # None: unchanged
    add_actor(change)
    change.set_defaults(handler=_set)
    secret = actions.add_parser(
        "secret", help="read the channel's token from standard input into the OS keyring", parents=[shared]
    )
    secret.add_argument("name")
    add_actor(secret)
    secret.set_defaults(handler=_secret)
    test = actions.add_parser(
        "test", help="reach the account and check its token, publishing nothing", parents=[shared]
    )
    test.add_argument("name")
    test.set_defaults(handler=_test)
    listing = actions.add_parser("list", help="list channels", parents=[shared])
    listing.set_defaults(handler=_list)

    template = commands.add_parser("template", help="pre-approved message templates", parents=[shared])
    t_actions = template.add_subparsers(dest="action", required=True, metavar="ACTION")
    t_list = t_actions.add_parser("list", help="templates for the current operation's kind", parents=[shared])
    t_list.add_argument("--all", action="store_true", help="every template, whatever the kind")
    t_list.set_defaults(handler=_templates)
    t_show = t_actions.add_parser("show", help="one template: its placeholders and texts", parents=[shared])
    t_show.add_argument("id")
    t_show.set_defaults(handler=_template)


WHERE = ("base_url", "account", "page_id", "chat_id")


def _where_options(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    parser.add_argument("--base-url", default=default, metavar="URL", help="the server (Mastodon, webhook, tests)")
    parser.add_argument("--account", default=default, metavar="HANDLE", help="the account (Bluesky handle, X name)")
    parser.add_argument("--page-id", default=default, metavar="ID", help="the Facebook page")
    parser.add_argument("--chat-id", default=default, metavar="ID", help="the Telegram channel (@name or id)")


def _where(args: argparse.Namespace) -> dict[str, str | None]:
    return {key: getattr(args, key) for key in WHERE}


def _channel_json(c: "ChannelRecord") -> dict[str, str]:
    return {
        "id": str(c.id),
        "name": c.name,
        "platform": c.platform,
        "base_url": c.base_url,
        "account": c.account,
        "page_id": c.page_id,
        "chat_id": c.chat_id,
    }


def _add(app: "App", args: argparse.Namespace) -> None:
    record = app.channels.add(args.name, args.kind, actor=args.actor, **_where(args))  # type: ignore[arg-type]
    if args.json:
        emit_json(_channel_json(record))
    else:
        print(f"Added channel '{record.name}' ({record.platform}).")
        if record.platform != "sandbox":
            print(f"Now give it its token: crowdops channel secret {record.name} --as {args.actor} < token-file")


def _set(app: "App", args: argparse.Namespace) -> None:
    record = app.channels.update(args.name, actor=args.actor, **_where(args))
    if args.json:
        emit_json(_channel_json(record))
    else:
        print(f"Channel '{record.name}' updated. Posts that failed for want of it: crowdops outbox retry ID")


def _secret(app: "App", args: argparse.Namespace) -> None:
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"Token for {args.name} (hidden): ")
    else:
        value = sys.stdin.readline()
    record = app.channels.set_secret(args.name, value, actor=args.actor)
    if args.json:
        emit_json({"name": record.name, "stored": True})
    else:
        print(f"The token of '{record.name}' is in the system keyring.")


def _test(app: "App", args: argparse.Namespace) -> int:
    result = app.channels.test(args.name)
    if args.json:
        emit_json({"name": args.name, "ok": result.ok, "detail": result.detail})
    else:
        print(("OK: " if result.ok else "Not working: ") + result.detail)
    return 0 if result.ok else 1


def _list(app: "App", args: argparse.Namespace) -> None:
    channels = app.channels.list()
    if args.json:
        emit_json([_channel_json(c) for c in channels])
    elif not channels:
        print("No channels yet. Add one: crowdops channel add NAME --kind sandbox --as COMMANDER")
    else:
        rows = [[c.name, c.platform, c.base_url or c.account or c.page_id or c.chat_id] for c in channels]
        print_table(["NAME", "KIND", "WHERE"], rows, wrap_last=False)


def _templates(app: "App", args: argparse.Namespace) -> None:
    kind = None if args.all else (app.operations.current().kind if app.operations.current() else None)
    templates = app.templates.list(kind)
    if args.json:
        emit_json(
            [
                {
                    "id": t.id,
                    "title": t.title,
                    "purpose": t.purpose.value,
                    "priority": t.priority.value,
                    "placeholders": list(t.placeholder_names),
                    "languages": list(t.languages),
                }
                for t in templates
            ]
        )
        return
    rows = [[t.id, t.purpose.value, ", ".join(t.placeholder_names), t.title] for t in templates]
    print_table(["ID", "PURPOSE", "PLACEHOLDERS", "TITLE"], rows)


def _template(app: "App", args: argparse.Namespace) -> None:
    t = app.templates.get(args.id)
    if args.json:
        emit_json(
            {
                "id": t.id,
                "title": t.title,
                "purpose": t.purpose.value,
                "priority": t.priority.value,
                "placeholders": {p.name: p.description for p in t.placeholders},
                "texts": dict(t.texts),
            }
        )
        return
    print(f"{t.title} ({t.id}) · {t.purpose.value} · {t.priority.value}")
    for p in t.placeholders:
        print(f"  {{{p.name}}}: {p.description}")
    for lang, text in t.texts:
        print(f"\n  [{lang}] {text}")
