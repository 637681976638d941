"""Alembic environment. Runs only programmatically, on the connection handed in by
desktop_app.core.storage.migrate; never configures logging (the app owns it)."""

from alembic import context

from desktop_app.core.storage.models import Base

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)

with context.begin_transaction():
    context.run_migrations()
