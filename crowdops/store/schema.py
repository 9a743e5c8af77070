"""The schema revision this version of CrowdOps writes (the newest migration). Kept apart from `database` so
that reading it loads neither SQLAlchemy nor Alembic."""

SCHEMA_HEAD = "0005"
