"""Persistence: the station database (SQLAlchemy 2 + Alembic) and image files.

SQLite by default, PostgreSQL through the same code. Typical start-up::

    db = open_database(config.resolved_database_url)   # migrates to head
    scans = ScanRepository(db, ImageStore(config.image_dir), config.station_id)
"""

from station_app.storage.db import Database, StorageError, open_database
from station_app.storage.images import ImageStore, StoredImage
from station_app.storage.repository import (
    CalibrationRecord,
    CalibrationRepository,
    OutboxRecord,
    OutboxRepository,
    ScanRecord,
    ScanRepository,
)

__all__ = [
    "CalibrationRecord",
    "CalibrationRepository",
    "Database",
    "ImageStore",
    "OutboxRecord",
    "OutboxRepository",
    "ScanRecord",
    "ScanRepository",
    "StorageError",
    "StoredImage",
    "open_database",
]
