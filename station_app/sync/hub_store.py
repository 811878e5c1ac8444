"""The reference hub's own SQLite store: applied results, manifests, heartbeats, station settings.

Separate from the station database on purpose (its own declarative base and
file), so the hub can be run beside a station without sharing a schema; the
hub is a reference/test service, so ``create_all`` replaces migrations here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Integer, String, create_engine, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from station_app.sync.schemas import (
    TOPIC_PARCEL_CHECKED,
    TOPIC_SCAN_DECIDED,
    ItemResult,
    ManifestEntry,
    ResultItem,
    payload_problem,
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class HubBase(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class AppliedResultRow(HubBase):
    __tablename__ = "applied_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(256), unique=True)
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column(default=_utcnow)
    duplicates_seen: Mapped[int] = mapped_column(Integer, default=0)  # re-sends absorbed


class HubManifestRow(HubBase):
    __tablename__ = "manifests"

    # The cursor: a strictly increasing sequence number; a re-seeded manifest
    # gets a new one, so a station polling with ``since`` sees the change.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tracking_id: Mapped[str] = mapped_column(String(64), unique=True)
    manifest: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=_utcnow)


class HeartbeatRow(HubBase):
    __tablename__ = "heartbeats"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]
    report: Mapped[dict[str, Any]]


class StationConfigRow(HubBase):
    """One published version of the settings central manages for a station."""

    __tablename__ = "station_configs"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … per station
    settings: Mapped[dict[str, Any]]
    published_at: Mapped[datetime] = mapped_column(default=_utcnow)


@dataclass(frozen=True)
class StationSettings:
    station_id: str
    version: int
    settings: dict[str, Any]
    published_at: datetime


@dataclass(frozen=True)
class AppliedResult:
    idempotency_key: str
    station_id: str
    topic: str
    payload: Mapping[str, Any]
    duplicates_seen: int


def _canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


class HubStore:
    """All hub persistence. Thread-safe: FastAPI runs sync endpoints in a thread pool."""

    def __init__(self, db_path: Path) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(
            f"sqlite:///{db_path}", connect_args={"check_same_thread": False}
        )

        @event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode = WAL")  # tests read while the hub writes
            cursor.execute("PRAGMA busy_timeout = 10000")
            cursor.close()

        HubBase.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # One writer at a time: the key check and the insert must not interleave.
        self._write_lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ results

    def apply_batch(self, station_id: str, items: Sequence[ResultItem]) -> list[ItemResult]:
        """Apply every new, valid item in one transaction; one outcome per item, in order.

        A key already applied is "duplicate" and changes nothing (the same key with a
        different payload is "rejected": a station bug, never silently merged).
        """
        outcomes: list[ItemResult] = []
        with self._write_lock, self._sessions.begin() as session:
            keys = [item.idempotency_key for item in items]
            existing = {
                row.idempotency_key: row
                for row in session.scalars(
                    select(AppliedResultRow).where(AppliedResultRow.idempotency_key.in_(keys))
                )
            }
            for item in items:
                outcomes.append(self._apply_one(session, station_id, item, existing))
        return outcomes

    def _apply_one(
        self,
        session: Session,
        station_id: str,
        item: ResultItem,
        existing: dict[str, AppliedResultRow],
    ) -> ItemResult:
        key = item.idempotency_key
        previous = existing.get(key)
        if previous is not None:
            if _canonical(previous.payload) != _canonical(item.payload):
                return ItemResult(
                    idempotency_key=key,
                    outcome="rejected",
                    reason="idempotency key already used with a different payload",
                )
            previous.duplicates_seen += 1
            return ItemResult(idempotency_key=key, outcome="duplicate")
        problem = payload_problem(item.topic, item.payload)
        if problem is None and item.payload.get("station_id") != station_id:
            problem = f"payload station_id {item.payload.get('station_id')!r} is not {station_id!r}"
        if problem is not None:
            return ItemResult(idempotency_key=key, outcome="rejected", reason=problem)
        row = AppliedResultRow(
            idempotency_key=key,
            station_id=station_id,
            topic=item.topic,
            payload=dict(item.payload),
            duplicates_seen=0,
        )
        session.add(row)
        existing[key] = row  # the same key twice in one batch: the second is a duplicate
        return ItemResult(idempotency_key=key, outcome="applied")

    def applied_results(self, station_id: str | None = None) -> list[AppliedResult]:
        query = select(AppliedResultRow).order_by(AppliedResultRow.id)
        if station_id is not None:
            query = query.where(AppliedResultRow.station_id == station_id)
        with self._sessions() as session:
            return [
                AppliedResult(
                    r.idempotency_key, r.station_id, r.topic, dict(r.payload), r.duplicates_seen
                )
                for r in session.scalars(query)
            ]

    def count_applied(self) -> int:
        with self._sessions() as session:
            query = select(func.count()).select_from(AppliedResultRow)
            return int(session.scalar(query) or 0)

    def checked_parcels(self, station_id: str | None = None) -> list[dict[str, Any]]:
        """The "parcel.checked" payload in force per parcel (a station's correction
        replaces the result it corrects), in arrival order: what opening found."""
        in_force: dict[tuple[str, str], dict[str, Any]] = {}
        for result in self.applied_results(station_id):
            if result.topic != TOPIC_PARCEL_CHECKED:
                continue
            payload = dict(result.payload)
            key = (result.station_id, str(payload["scan_id"]))
            held = in_force.get(key)
            if held is None or int(payload["check_id"]) > int(held["check_id"]):
                in_force[key] = payload
        return list(in_force.values())

    def decisions(self, station_id: str | None = None) -> list[dict[str, Any]]:
        """The "scan.decided" payloads in arrival order, each with its ``marks`` (where
        the inspector pointed; [] from a station older than marks)."""
        return [
            {**result.payload, "marks": list(result.payload.get("marks") or [])}
            for result in self.applied_results(station_id)
            if result.topic == TOPIC_SCAN_DECIDED
        ]

    # ------------------------------------------------------------ heartbeats

    def record_heartbeat(self, station_id: str, report: Mapping[str, Any]) -> datetime:
        now = _utcnow()
        with self._write_lock, self._sessions.begin() as session:
            session.merge(HeartbeatRow(station_id=station_id, received_at=now, report=dict(report)))
        return now

    def last_heartbeat(self, station_id: str) -> dict[str, Any] | None:
        with self._sessions() as session:
            row = session.get(HeartbeatRow, station_id)
            return None if row is None else dict(row.report)

    # ------------------------------------------------------------ manifests

    def seed_manifests(self, manifests: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Insert or replace manifests (tracking_id, manifest JSON); replaced ones move up."""
        with self._write_lock, self._sessions.begin() as session:
            for tracking_id, manifest in manifests:
                old = session.scalar(
                    select(HubManifestRow).where(HubManifestRow.tracking_id == tracking_id)
                )
                if old is not None:
                    session.delete(old)
                    session.flush()  # the unique tracking_id must be free before the insert
                session.add(HubManifestRow(tracking_id=tracking_id, manifest=dict(manifest)))

    def manifests_since(self, cursor: int, limit: int) -> tuple[list[ManifestEntry], int, bool]:
        """Manifests after ``cursor`` (a seq), the next cursor, and whether more wait."""
        query = (
            select(HubManifestRow)
            .where(HubManifestRow.seq > cursor)
            .order_by(HubManifestRow.seq)
            .limit(limit + 1)
        )
        with self._sessions() as session:
            rows = list(session.scalars(query))
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = rows[-1].seq if rows else cursor
        return [_entry(r) for r in rows], next_cursor, has_more

    def manifest(self, tracking_id: str) -> ManifestEntry | None:
        with self._sessions() as session:
            row = session.scalar(
                select(HubManifestRow).where(HubManifestRow.tracking_id == tracking_id)
            )
            return None if row is None else _entry(row)

    # ------------------------------------------------------------ station settings

    def publish_station_config(
        self, station_id: str, settings: Mapping[str, Any]
    ) -> StationSettings:
        """Store ``settings`` as the station's next version (1 for its first). Unchecked
        here: ``hub_config.publish_station_config`` validates before it calls this."""
        with self._write_lock, self._sessions.begin() as session:
            latest = session.scalar(
                select(func.max(StationConfigRow.version)).where(
                    StationConfigRow.station_id == station_id
                )
            )
            row = StationConfigRow(
                station_id=station_id,
                version=int(latest or 0) + 1,
                settings=dict(settings),
                published_at=_utcnow(),
            )
            session.add(row)
        return _station_settings(row)

    def station_config(self, station_id: str) -> StationSettings | None:
        """The latest version published for the station; None when central has none."""
        query = (
            select(StationConfigRow)
            .where(StationConfigRow.station_id == station_id)
            .order_by(StationConfigRow.version.desc())
            .limit(1)
        )
        with self._sessions() as session:
            row = session.scalar(query)
            return None if row is None else _station_settings(row)


def _station_settings(row: StationConfigRow) -> StationSettings:
    published = row.published_at
    return StationSettings(
        row.station_id,
        row.version,
        dict(row.settings),
        published if published.tzinfo else published.replace(tzinfo=UTC),
    )


def _entry(row: HubManifestRow) -> ManifestEntry:
    updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
    return ManifestEntry(
        tracking_id=row.tracking_id, manifest=dict(row.manifest), updated_at=updated
    )
