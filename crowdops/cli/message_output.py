"""How messages look on the command line (text for people, stable JSON for scripts)."""

from typing import Any

from crowdops.cli.output import print_table
from crowdops.domain.audit import AuditEntry
from crowdops.domain.languages import language
from crowdops.domain.text import measure
from crowdops.domain.times import format_local, iso_utc
from crowdops.services.message_records import MessageRecord
from crowdops.services.records import OperationRecord


def message_json(m: MessageRecord) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "short_id": m.short_id,
        "operation_id": str(m.operation_id),
        "purpose": m.purpose.value,
        "priority": m.priority.value,
        "status": m.status.value,
        "status_reason": m.status_reason,
        "version": m.version,
        "created_by": m.created_by,
        "created_at": iso_utc(m.created_at),
        "updated_at": iso_utc(m.updated_at),
        "content_hash": m.content_hash,
        "submitted_hash": m.submitted_hash,
        "variants": [{"language": v.language, "channel": v.channel, "text": v.text} for v in m.variants],
        "channels": [{"name": c.name, "platform": c.platform} for c in m.channels],
        "links": [{"kind": kind, "id": str(ref)} for kind, ref in m.links],
        "contributors": m.contributors,
        "privacy_flags": [
            {
                "key": f.flag.key,
                "kind": f.flag.kind.value,
                "language": f.language,
                "excerpt": f.flag.excerpt,
                "acknowledged_by": f.acknowledged_by,
            }
            for f in m.flags
        ],
        "approvals": [
            {
                "approved_by": a.approved_by,
                "approved_at": iso_utc(a.approved_at),
                "content_hash": a.content_hash,
                "unreviewed": a.unreviewed,
                "break_glass_reason": a.break_glass_reason,
            }
            for a in m.approvals
        ],
        "outbox": [
            {"channel": o.channel, "platform": o.platform, "language": o.language, "status": o.status} for o in m.outbox
        ],
    }


def print_message_list(messages: list[MessageRecord], op: OperationRecord) -> None:
    if not messages:
        print(f"No messages in {op.name}. Write one: crowdops message draft --text ... --as USER")
        return
    rows = [
        [
            m.short_id,
            m.status.label,
            m.priority.value,
            m.purpose.value,
            ",".join(m.languages),
            format_local(m.updated_at, op.tz),
            _first_line(m),
        ]
        for m in messages
    ]
    print_table(["ID", "STATUS", "PRIORITY", "PURPOSE", "LANGUAGES", "UPDATED", "TEXT"], rows)


def _first_line(m: MessageRecord) -> str:
    text = m.text("en") or (m.variants[0].text if m.variants else "")
    return text.splitlines()[0] if text else ""


def print_message(m: MessageRecord, op: OperationRecord, trail: list[AuditEntry]) -> None:
    print(
        f"Message {m.short_id} in {op.name} · {m.status.label}" + (f" ({m.status_reason})" if m.status_reason else "")
    )
    print(f"  {m.purpose.value} · {m.priority.value} · version {m.version} · by {', '.join(m.contributors)}")
    print(f"  content hash {m.content_hash}")
    if m.last_approval and m.last_approval.unreviewed:
        print(f"  UNREVIEWED: published without a second approver ({m.last_approval.break_glass_reason})")
    print(f"  channels: {', '.join(f'{c.name} ({c.platform})' for c in m.channels) or 'none'}")
    for variant in m.variants:
        where = f" for {variant.channel}" if variant.channel else ""
        print(f"\n  [{variant.language} — {language(variant.language).name}{where}]")
        print("  " + variant.text.replace("\n", "\n  "))
        for channel in m.channels:
            if variant.channel in (None, channel.name) and m.text(variant.language, channel.name) == variant.text:
                fit = measure(variant.text, channel.platform, limit=channel.char_limit)
                verdict = "fits" if fit.ok else f"{fit.over} over"
                print(f"    {channel.name}: {fit.length} of {fit.limit} {fit.unit} — {verdict}")
    if m.flags:
        print("\n  Privacy flags:")
        for flag in m.flags:
            state = f"acknowledged by {flag.acknowledged_by}" if flag.acknowledged_by else "NOT acknowledged"
            print(f"    [{flag.language}] {flag.flag.message} — {state} (key {flag.flag.key})")
    for approval in m.approvals:
        print(
            f"\n  Approved by {approval.approved_by} at {format_local(approval.approved_at, op.tz)}"
            f" (hash {approval.content_hash[:12]}…)"
        )
    if m.outbox:
        print("\n  Outbox:")
        for post in m.outbox:
            print(f"    {post.channel} ({post.platform}) [{post.language}]: {post.status}")
    if trail:
        print("\n  Audit trail:")
        for entry in trail:
            print(f"    #{entry.seq} {entry.at} {entry.actor}: {entry.action}")
