"""The local SQLite store: engine, typed models, migrations, backups and queries."""
