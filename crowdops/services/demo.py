"""Build the demo database: users, one operation of each kind with a day of incidents, and an exercise."""

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdops.domain.categories import MAJOR_INCIDENT
from crowdops.domain.enums import Phase, Source
from crowdops.domain.incidents import MethaneReport
from crowdops.domain.names import name_key
from crowdops.domain.passphrases import hash_passphrase
from crowdops.domain.times import zone
from crowdops.services.context import ServiceContext
from crowdops.services.demo_content import (
    DEMO_LOGGERS,
    DEMO_OPERATIONS,
    DEMO_PASSPHRASE,
    DEMO_USERS,
    PROTEST,
    DemoOperation,
)
from crowdops.services.events import CurrentOperationChanged, OperationsChanged
from crowdops.services.incidents import audit_fields, incident_record
from crowdops.services.operations import CURRENT_OPERATION
from crowdops.store.models import Incident, Operation, Setting, User

_SOURCES = (Source.OFFICER,) * 6 + (
    Source.ORGANISER,
    Source.PUBLIC,
    Source.SOCIAL_MEDIA,
    Source.PARTNER_AGENCY,
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    users_created: list[str]
    operations_created: list[str]
    operations_skipped: list[str]
    incidents_created: int
    passphrase: str


class DemoService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def build(self, seed: int = 2026) -> DemoResult:
        """Add whatever of the demo is missing; existing operations of the same name are left alone."""
        rng = random.Random(seed)
        now = self._ctx.clock()
        created_users = self._ensure_users(now)
        made, skipped, total = [], [], 0
        for script in DEMO_OPERATIONS:
            with self._ctx.db.write() as session:
                if session.scalars(select(Operation).where(Operation.name_key == name_key(script.name))).first():
                    skipped.append(script.name)
                    continue
                total += _build_operation(self._ctx, session, script, rng, now)
                made.append(script.name)
        with self._ctx.db.write() as session:
            if session.get(Setting, CURRENT_OPERATION) is None:
                op = session.scalars(select(Operation).where(Operation.name_key == name_key(PROTEST.name))).one()
                session.add(Setting(key=CURRENT_OPERATION, value=op.id.hex))
                self._ctx.record(session, None, "operation.use", f"operation:{op.id.hex}", name=op.name)
                current = op.id
            else:
                current = None
        if made:
            self._ctx.bus.publish(OperationsChanged())
        if current is not None:
            self._ctx.bus.publish(CurrentOperationChanged(current))
        return DemoResult(created_users, made, skipped, total, DEMO_PASSPHRASE)

    def _ensure_users(self, now: datetime) -> list[str]:
        created = []
        # One hash for all (the demo's passphrase is public anyway), made before the write lock: it is slow on
        # purpose, and other writers would wait for it.
        hashed = hash_passphrase(DEMO_PASSPHRASE)
        with self._ctx.db.write() as session:
            existing = set(session.scalars(select(User.name_key)))
            for name, role in DEMO_USERS:
                if name_key(name) not in existing:
                    user = User(name=name, role=role, passphrase_hash=hashed, created_at=now)
                    session.add(user)
                    session.flush()
                    self._ctx.record(session, None, "user.add", f"user:{user.id.hex}", name=name, role=role)
                    created.append(name)
        return created


def _build_operation(
    ctx: ServiceContext, session: Session, script: DemoOperation, rng: random.Random, now: datetime
) -> int:
    # Names are unique whatever their case, so a user made by hand may spell a demo name differently.
    keys = {name: name_key(name) for name in DEMO_LOGGERS}
    rows = session.execute(select(User.name_key, User.id).where(User.name_key.in_(keys.values())))
    found = {key: user_id for key, user_id in rows}
    loggers = {name: found[key] for name, key in keys.items()}
    op = Operation(
        name=script.name,
        kind=script.kind,
        phase=Phase.DURING.value,
        timezone=script.timezone,
        area=script.area,
        exercise=script.exercise,
        created_at=now - timedelta(days=1, hours=2),
        created_by=loggers[DEMO_LOGGERS[0]],
    )
    session.add(op)
    session.flush()
    tz = zone(script.timezone)
    categories = list(script.script)
    weights = [script.script[c][0] for c in categories]
    entries: list[Incident] = []
    for _ in range(script.count):
        occurred = _moment(rng, now, tz, script.peak_hours)
        slug = rng.choices(categories, weights)[0]
        _, (low, high), texts = script.script[slug]
        text = rng.choice(texts).format(place=rng.choice(script.places), n=rng.choice((40, 120, 300, 800, 2500)))
        entries.append(
            _incident(
                op.id,
                occurred,
                occurred + timedelta(seconds=rng.randint(20, 600)),
                rng,
                loggers,
                slug,
                rng.randint(low, high),
                rng.choice(script.places),
                text,
            )
        )
    entries.sort(key=lambda e: e.logged_at)
    for original in rng.sample(entries, k=max(1, len(entries) // 25)):
        if original.logged_at + timedelta(minutes=30) >= now:
            continue
        correction = _incident(
            op.id,
            original.occurred_at,
            original.logged_at + timedelta(minutes=rng.randint(3, 25)),
            rng,
            loggers,
            original.category,
            min(5, original.severity + 1),
            original.location,
            original.description + " Update: situation confirmed by a second unit.",
        )
        correction.root_id, correction.corrects_id = original.root_id, original.id
        correction.correction_reason = "Confirmed on scene"
        entries.append(correction)
    if not script.exercise and script.kind != "migration":
        entries.append(_methane(op.id, script, rng, loggers, now))
    session.add_all(entries)
    session.flush()
    _record(ctx, session, op, entries, {user_id: name for name, user_id in loggers.items()})
    return len(entries)


def _record(
    ctx: ServiceContext, session: Session, op: Operation, entries: list[Incident], names: dict[uuid.UUID, str]
) -> None:
    """The demo is written like any other data: every record has its audit entry."""
    ctx.record(
        session,
        names[op.created_by],
        "operation.create",
        f"operation:{op.id.hex}",
        name=op.name,
        kind=op.kind,
        phase=op.phase,
        timezone=op.timezone,
        area=op.area,
        exercise=op.exercise,
    )
    for entry in sorted(entries, key=lambda e: e.logged_at):
        record = incident_record(entry, names[entry.logged_by])
        action = "incident.log" if entry.corrects_id is None else "incident.correct"
        ctx.record(session, record.logged_by, action, f"incident:{entry.id.hex}", **audit_fields(record))


def _moment(rng: random.Random, now: datetime, tz: object, peak: tuple[int, int]) -> datetime:
    """A time in the last 24 hours, twice as likely inside the peak hours (local)."""
    while True:
        moment = now - timedelta(seconds=rng.randint(15 * 60, 24 * 3600))
        hour = moment.astimezone(tz).hour  # type: ignore[arg-type]
        if peak[0] <= hour < peak[1] or rng.random() < 0.5:
            return moment


def _incident(
    op_id: uuid.UUID,
    occurred: datetime,
    logged: datetime,
    rng: random.Random,
    loggers: dict[str, uuid.UUID],
    slug: str,
    severity: int,
    place: str,
    text: str,
) -> Incident:
    new_id = uuid.uuid4()
    return Incident(
        id=new_id,
        operation_id=op_id,
        root_id=new_id,
        corrects_id=None,
        occurred_at=occurred,
        logged_at=logged,
        logged_by=loggers[rng.choice(DEMO_LOGGERS)],
        category=slug,
        severity=severity,
        location=place,
        latitude=None,
        longitude=None,
        source=rng.choice(_SOURCES).value,
        description=text,
        methane_json=None,
        correction_reason="",
    )


def _methane(
    op_id: uuid.UUID, script: DemoOperation, rng: random.Random, loggers: dict[str, uuid.UUID], now: datetime
) -> Incident:
    report = MethaneReport(
        major_incident=False,
        exact_location=script.places[0],
        incident_type="Crowd crush risk at a barrier line",
        hazards="Collapsed barrier, crowd pressure from the rear",
        access=f"From the north via {script.places[1]}; keep it clear",
        casualties="3 walking wounded, 1 stretcher case",
        emergency_services="2 ambulances on scene, fire service requested",
    )
    incident = _incident(
        op_id,
        now - timedelta(hours=3),
        now - timedelta(hours=3) + timedelta(minutes=2),
        rng,
        loggers,
        MAJOR_INCIDENT,
        5,
        script.places[0],
        report.summary(),
    )
    incident.methane_json = json.dumps(report.to_dict(), sort_keys=True)
    incident.logged_by = loggers[DEMO_LOGGERS[0]]
    return incident
