"""Alembic environment: runs on the connection the ledger hands over (never opens its own)."""

from alembic import context

from fireenforce.ledger.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
