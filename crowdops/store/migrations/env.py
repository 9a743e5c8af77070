"""Alembic environment: CrowdOps always passes an open connection inside one IMMEDIATE transaction."""

from alembic import context

from crowdops.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
