"""The composition root: opens the database and builds the services that both faces use."""

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from crowdops.services.approvals import ApprovalService
from crowdops.services.audit import AuditService
from crowdops.services.channels import ChannelService
from crowdops.services.context import ServiceContext
from crowdops.services.decisions import DecisionService
from crowdops.services.demo import DemoService
from crowdops.services.demo_messages import DemoMessages
from crowdops.services.incidents import IncidentService
from crowdops.services.messages import MessageService
from crowdops.services.operations import OperationService
from crowdops.services.outbox import OutboxService
from crowdops.services.rumours import RumourService
from crowdops.services.sync import SyncService
from crowdops.services.templates import TemplateLibrary
from crowdops.services.users import UserService
from crowdops.store.database import Database, open_database

DB_ENV = "CROWDOPS_DB"


def default_db_path() -> Path:
    """`CROWDOPS_DB` if set, else crowdops.db in the platform's user data folder."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("CrowdOps", appauthor=False)) / "crowdops.db"


@dataclass
class App:
    context: ServiceContext
    users: UserService
    operations: OperationService
    incidents: IncidentService
    demo: DemoService
    audit: AuditService
    channels: ChannelService
    templates: TemplateLibrary
    messages: MessageService
    approvals: ApprovalService
    demo_messages: DemoMessages
    rumours: RumourService
    decisions: DecisionService
    outbox: OutboxService
    sync: SyncService

    @property
    def db(self) -> Database:
        return self.context.db

    def close(self) -> None:
        self.sync.stop()
        self.context.db.close()


def build_app(context: ServiceContext) -> App:
    users = UserService(context)
    templates = TemplateLibrary()
    operations = OperationService(context)
    channels = ChannelService(context)
    messages = MessageService(context, templates)
    approvals = ApprovalService(context, users)
    rumours = RumourService(context, messages, templates)
    decisions = DecisionService(context, messages, templates)
    return App(
        context=context,
        users=users,
        operations=operations,
        incidents=IncidentService(context),
        demo=DemoService(context),
        audit=AuditService(context),
        channels=channels,
        templates=templates,
        messages=messages,
        approvals=approvals,
        demo_messages=DemoMessages(operations, channels, messages, approvals, rumours, decisions),
        rumours=rumours,
        decisions=decisions,
        outbox=OutboxService(context),
        sync=SyncService(context),
    )


def open_app(db_path: Path | None = None) -> App:
    """Open (creating or migrating) the database and wire the services over it."""
    os.umask(0o077)
    return build_app(ServiceContext(db=open_database(db_path or default_db_path())))
