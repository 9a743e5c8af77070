"""crowdops channel add | list, and crowdops template list | show"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor
from crowdops.cli.output import emit_json, print_table

if TYPE_CHECKING:
    from crowdops.app import App


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    channel = commands.add_parser("channel", help="the official accounts messages are published to", parents=[shared])
    actions = channel.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a channel (its credentials go to the keyring, later)", parents=[shared])
    add.add_argument("name")
    add.add_argument("--platform", required=True, help="x, mastodon, bluesky, telegram, facebook, webhook, sandbox")
    add_actor(add)
    add.set_defaults(handler=_add)
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


def _add(app: "App", args: argparse.Namespace) -> None:
    record = app.channels.add(args.name, args.platform, actor=args.actor)
    if args.json:
        emit_json({"id": str(record.id), "name": record.name, "platform": record.platform})
    else:
        print(f"Added channel '{record.name}' ({record.platform}).")


def _list(app: "App", args: argparse.Namespace) -> None:
    channels = app.channels.list()
    if args.json:
        emit_json([{"id": str(c.id), "name": c.name, "platform": c.platform} for c in channels])
    elif not channels:
        print("No channels yet. Add one: crowdops channel add NAME --platform sandbox --as COMMANDER")
    else:
        print_table(["NAME", "PLATFORM"], [[c.name, c.platform] for c in channels], wrap_last=False)


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
