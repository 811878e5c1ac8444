"""Alembic environment for the station database.

The application runs migrations itself (``station_app.storage.db.upgrade_to_head``)
and hands its connection in ``config.attributes["connection"]``; a developer can
also run ``alembic -x url=sqlite:///path revision --autogenerate`` with a config
whose ``script_location`` points here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from station_app.storage.models import Base

TARGET_METADATA = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=TARGET_METADATA,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -x url=sqlite:///station.sqlite3 ...")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


_main()
