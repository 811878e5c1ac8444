"""The audit trail: an append-only table whose rows are chained by SHA-256.

Every entry stores the hash of the entry before it (``prev_hash``) and its own
hash (``row_hash``) over a canonical form of all its fields (``canonical_form``,
spelt out in docs/audit.md so an auditor can check a chain with any language).
Editing, deleting, inserting or reordering rows therefore breaks the chain, and
``verify_audit_log`` says where. The newest entry of each station is also kept in
``audit_head``: without it a deleted tail would leave a shorter, still valid chain.

Appends of one station are serialised: ``SELECT ... FOR UPDATE`` on the station's
head row on PostgreSQL, the write lock every ``Database.write_session`` takes up
front on SQLite. The chain therefore never forks, and row ids (the insertion order)
grow with the sequence. An append that records a database change goes into the
same transaction as that change (``AuditLog.append``), so neither exists alone.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import json
import logging
import math
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from station_app.storage.db import Database, StorageError
from station_app.storage.models import (
    ID_LEN,
    NAME_LEN,
    AuditHeadRow,
    AuditLogRow,
    Base,
    StationRow,
    utcnow,
)

log = logging.getLogger(__name__)

GENESIS_HASH: Final = "0" * 64  # prev_hash of a station's first entry
HASH_VERSION: Final = 1  # "v" in the canonical form; bump if the form ever changes
SHORT_HASH: Final = 12  # hex digits shown in messages

ACTION_DECISION_RECORDED: Final = "decision.recorded"
ACTION_CALIBRATION_STORED: Final = "calibration.stored"
ACTION_CONFIG_CHANGED: Final = "config.changed"
ACTION_AUDIT_EXPORTED: Final = "audit.exported"
ACTION_HEAD_REBUILT: Final = "audit.head_rebuilt"
# A supervisor settling an outbox row central rejected (station_app.sync.outbox).
ACTION_OUTBOX_REQUEUED: Final = "outbox.requeued"
ACTION_OUTBOX_ACKNOWLEDGED: Final = "outbox.acknowledged"
# Signed updates from central (station_app.sync.updates, docs/updates.md).
ACTION_MODEL_ACTIVATED: Final = "model.activated"
ACTION_MODEL_ROLLED_BACK: Final = "model.rolled_back"
ACTION_MODEL_REJECTED: Final = "model.rejected"
ACTION_TRUST_LIST_INSTALLED: Final = "trust_list.installed"
ACTION_TRUST_LIST_REJECTED: Final = "trust_list.rejected"
# Settings central manages for the station (station_app.sync.central_config).
ACTION_CONFIG_RECEIVED: Final = "config.received"
ACTION_CONFIG_REJECTED: Final = "config.rejected"
# Sign-in and accounts (station_app.accounts, docs/accounts.md).
ACTION_USER_SIGNED_IN: Final = "user.signed_in"
ACTION_USER_SIGNED_OUT: Final = "user.signed_out"
ACTION_USER_SIGN_IN_FAILED: Final = "user.sign_in_failed"
ACTION_USER_LOCKED_OUT: Final = "user.locked_out"
ACTION_USER_SCREEN_LOCKED: Final = "user.screen_locked"
ACTION_USER_SCREEN_UNLOCKED: Final = "user.screen_unlocked"
ACTION_ACCOUNT_CREATED: Final = "account.created"
ACTION_ACCOUNT_DISABLED: Final = "account.disabled"
ACTION_ACCOUNT_ENABLED: Final = "account.enabled"
ACTION_ACCOUNT_UNLOCKED: Final = "account.unlocked"
ACTION_ACCOUNT_PASSWORD_RESET: Final = "account.password_reset"
ACTION_ACCOUNT_PASSWORD_CHANGED: Final = "account.password_changed"
ACTION_ACCOUNT_ROLE_CHANGED: Final = "account.role_changed"
# The technician workspace (station_app.technician, docs/technician.md).
ACTION_IQ_TEST_RECORDED: Final = "image_quality.tested"
ACTION_CALIBRATION_REJECTED: Final = "calibration.rejected"
# A technician stopping and restarting the screening for maintenance (Station).
ACTION_SCREENING_PAUSED: Final = "screening.paused"
ACTION_SCREENING_RESUMED: Final = "screening.resumed"
# An inspector's response to a threat image projection (station_app.tip, storage.tip).
ACTION_TIP_RESPONDED: Final = "tip.responded"
# A supervisor's review of a decision (station_app.supervision).
ACTION_DECISION_CONFIRMED: Final = "decision.confirmed"
ACTION_DECISION_OVERRIDDEN: Final = "decision.overridden"
# What opening a flagged parcel found, or a supervisor's correction of it (storage.checks).
ACTION_CHECK_RECORDED: Final = "check.recorded"

_ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_ACTION_LEN = 64
CSV_COLUMNS: Final = (
    "id",
    "station_id",
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "subject",
    "details",
    "prev_hash",
    "row_hash",
)


# ---------------------------------------------------------------- canonical form


def _plain(value: Any) -> Any:
    """JSON values only: numpy unwrapped, sets sorted, NaN/inf → None (JSON has neither)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return [_plain(v) for v in sorted(value, key=str)]
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Path):
        return str(value)
    raise StorageError(f"audit details: {type(value).__name__} is not a JSON value")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 characters as they are (not ``\\u`` escapes)."""
    return json.dumps(
        _plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def format_timestamp(moment: datetime) -> str:
    """``2025-03-04T12:30:15.123456Z``: UTC, always six fraction digits."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StorageError(f"naive datetime {moment!r} in the audit log: give a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(
    *,
    station_id: str,
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject: str | None,
    details: str,
    prev_hash: str,
) -> bytes:
    """The exact bytes an entry's ``row_hash`` is the SHA-256 of (docs/audit.md).

    ``details`` goes in as the stored text, a JSON *string* inside the object: the
    hash then covers the stored bytes, and a verifier in another language never has
    to reproduce Python's float formatting.
    """
    envelope = {
        "action": action,
        "actor": actor,
        "details": details,
        "occurred_at": format_timestamp(occurred_at),
        "prev_hash": prev_hash,
        "sequence": sequence,
        "station_id": station_id,
        "subject": subject,
        "v": HASH_VERSION,
    }
    text = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def compute_row_hash(
    *,
    station_id: str,
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject: str | None,
    details: str,
    prev_hash: str,
) -> str:
    form = canonical_form(
        station_id=station_id,
        sequence=sequence,
        occurred_at=occurred_at,
        actor=actor,
        action=action,
        subject=subject,
        details=details,
        prev_hash=prev_hash,
    )
    return hashlib.sha256(form).hexdigest()


def short_hash(value: str) -> str:
    return value[:SHORT_HASH] + "…"


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class AuditEntry:
    """One stored audit entry, as read back (or as just written)."""

    id: int
    station_id: str
    sequence: int
    occurred_at: datetime
    actor: str
    action: str
    subject: str | None
    details_json: str  # the stored canonical JSON text
    prev_hash: str
    row_hash: str

    @property
    def details(self) -> dict[str, Any]:
        parsed = json.loads(self.details_json)
        return parsed if isinstance(parsed, dict) else {"value": parsed}

    def computed_hash(self) -> str:
        return compute_row_hash(
            station_id=self.station_id,
            sequence=self.sequence,
            occurred_at=self.occurred_at,
            actor=self.actor,
            action=self.action,
            subject=self.subject,
            details=self.details_json,
            prev_hash=self.prev_hash,
        )

    def describe(self) -> str:
        """``row 17 (seq 17, decision.recorded on S-000123)`` for messages."""
        on = f" on {self.subject}" if self.subject else ""
        return f"row {self.id} (seq {self.sequence}, {self.action}{on})"


@dataclass(frozen=True)
class ChainHead:
    """The newest entry of a station's chain: sequence 0 and the genesis hash when empty."""

    station_id: str
    sequence: int
    row_hash: str


_ENTRY_COLUMNS = (
    AuditLogRow.id,
    AuditLogRow.station_id,
    AuditLogRow.sequence,
    AuditLogRow.occurred_at,
    AuditLogRow.actor,
    AuditLogRow.action,
    AuditLogRow.subject,
    AuditLogRow.details,
    AuditLogRow.prev_hash,
    AuditLogRow.row_hash,
)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=int(row.id),
        station_id=str(row.station_id),
        sequence=int(row.sequence),
        occurred_at=row.occurred_at,
        actor=str(row.actor),
        action=str(row.action),
        subject=None if row.subject is None else str(row.subject),
        details_json=str(row.details),
        prev_hash=str(row.prev_hash),
        row_hash=str(row.row_hash),
    )


def _insert_if_absent(session: Session, entity: type[Base], values: Mapping[str, Any]) -> bool:
    """INSERT unless the primary key exists (race-free); True when a row was inserted."""
    dialect = session.get_bind().dialect.name
    key = inspect(entity).primary_key[0]
    if dialect == "postgresql":
        statement: Any = postgresql.insert(entity).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(entity).values(**values).on_conflict_do_nothing()
    else:  # no portable upsert: check first (only a new station's first append gets here)
        if session.execute(select(key).where(key == values[key.name])).first() is not None:
            return False
        statement = insert(entity).values(**values)
    # RETURNING, not rowcount: an ORM-enabled insert reports rowcount -1 on psycopg.
    return session.execute(statement.returning(key)).first() is not None


def _check_text(what: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise StorageError(f"audit {what} must be 1 to {limit} characters, got {value!r:.80}")


# ---------------------------------------------------------------- writing


class AuditLog:
    """Appends to one station's chain; reads any entry of it.

    ``record`` is the whole API for an event that is not itself a database write
    (a sign-in, a configuration change, an export)::

        audit.record("kim", "user.signed_in", details={"role": "supervisor"})

    An event that *is* a database write appends inside that write's transaction
    with ``append(session, ...)`` instead, so both commit or neither does.
    """

    def __init__(self, database: Database, station_id: str) -> None:
        _check_text("station id", station_id, ID_LEN)
        self._db = database
        self.station_id = station_id

    def record(
        self,
        actor: str,
        action: str,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
        *,
        occurred_at: datetime | None = None,
    ) -> AuditEntry:
        """Append one entry in a transaction of its own."""
        try:
            with self._db.write_session() as session:
                return self.append(
                    session, actor, action, subject, details, occurred_at=occurred_at
                )
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StorageError(f"audit event {action} was not recorded: {detail}") from exc

    def append(
        self,
        session: Session,
        actor: str,
        action: str,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
        *,
        occurred_at: datetime | None = None,
    ) -> AuditEntry:
        """Append one entry inside the caller's write transaction (``write_session``).

        The station's chain stays locked until that transaction ends, so keep the
        rest of it short. On SQLite the session must come from ``write_session``:
        a deferred transaction that turns into a writer here can fail with
        "database is locked" instead of waiting.
        """
        _check_text("actor", actor, NAME_LEN)
        if len(action) > _ACTION_LEN or not _ACTION.fullmatch(action):
            raise StorageError(f"audit action {action!r} is not like 'decision.recorded'")
        if subject == "":
            subject = None  # one spelling of "no subject" (a CSV cell cannot tell them apart)
        if subject is not None:
            _check_text("subject", subject, NAME_LEN)
        details_json = canonical_json(dict(details or {}))
        when = utcnow() if occurred_at is None else occurred_at
        format_timestamp(when)  # refuses a naive time (astimezone would take it as local)
        when = when.astimezone(UTC)
        # The caller's own rows first: a failure of theirs must not read as an audit one.
        session.flush()
        head = self.lock(session)
        return self._insert(session, head, actor, action, subject, details_json, when)

    def lock(self, session: Session) -> ChainHead:
        """Lock this station's chain for the rest of the transaction; returns its head.

        Creates the head row (and the station row) on the first append.
        """
        query = (
            select(AuditHeadRow.sequence, AuditHeadRow.row_hash)
            .where(AuditHeadRow.station_id == self.station_id)
            .with_for_update()
        )
        found = session.execute(query).one_or_none()
        if found is not None:
            return ChainHead(self.station_id, int(found.sequence), str(found.row_hash))
        return self._start_chain(session, query)

    def _start_chain(self, session: Session, locked_head: Any) -> ChainHead:
        now = utcnow()
        _insert_if_absent(
            session,
            StationRow,
            {"id": self.station_id, "name": self.station_id, "created_at": now},
        )
        last = session.execute(
            select(AuditLogRow.sequence, AuditLogRow.row_hash)
            .where(AuditLogRow.station_id == self.station_id)
            .order_by(AuditLogRow.sequence.desc())
            .limit(1)
        ).one_or_none()
        start = (
            ChainHead(self.station_id, 0, GENESIS_HASH)
            if last is None
            else ChainHead(self.station_id, int(last.sequence), str(last.row_hash))
        )
        created = _insert_if_absent(
            session,
            AuditHeadRow,
            {
                "station_id": self.station_id,
                "sequence": start.sequence,
                "row_hash": start.row_hash,
                "updated_at": now,
            },
        )
        found = session.execute(locked_head).one()
        head = ChainHead(self.station_id, int(found.sequence), str(found.row_hash))
        if created and last is not None:
            # Entries but no head: someone deleted it. Carrying on from the last row keeps
            # the station working; the rebuild itself goes into the chain, so it shows.
            log.error(
                "audit head of station %s was missing; rebuilt from seq %d",
                self.station_id,
                start.sequence,
            )
            entry = self._insert(
                session,
                head,
                "system",
                ACTION_HEAD_REBUILT,
                None,
                canonical_json({"from_sequence": start.sequence, "from_hash": start.row_hash}),
                now,
            )
            head = ChainHead(self.station_id, entry.sequence, entry.row_hash)
        return head

    def _insert(
        self,
        session: Session,
        head: ChainHead,
        actor: str,
        action: str,
        subject: str | None,
        details_json: str,
        when: datetime,
    ) -> AuditEntry:
        sequence = head.sequence + 1
        row_hash = compute_row_hash(
            station_id=self.station_id,
            sequence=sequence,
            occurred_at=when,
            actor=actor,
            action=action,
            subject=subject,
            details=details_json,
            prev_hash=head.row_hash,
        )
        row = AuditLogRow(
            station_id=self.station_id,
            sequence=sequence,
            occurred_at=when,
            actor=actor,
            action=action,
            subject=subject,
            details=details_json,
            prev_hash=head.row_hash,
            row_hash=row_hash,
        )
        session.add(row)
        try:
            session.flush()  # the id is taken now, under the lock: id order = sequence order
        except IntegrityError as exc:
            raise StorageError(
                f"audit log of station {self.station_id}: seq {sequence} already exists beyond "
                f"the recorded head (seq {head.sequence}); rows were added outside the "
                "application — run `station-app audit verify`"
            ) from exc
        session.execute(
            update(AuditHeadRow)
            .where(AuditHeadRow.station_id == self.station_id)
            .values(sequence=sequence, row_hash=row_hash, updated_at=utcnow())
        )
        return AuditEntry(
            id=row.id,
            station_id=self.station_id,
            sequence=sequence,
            occurred_at=when,
            actor=actor,
            action=action,
            subject=subject,
            details_json=details_json,
            prev_hash=head.row_hash,
            row_hash=row_hash,
        )

    # ------------------------------------------------------------ reading

    def head(self) -> ChainHead | None:
        """The recorded head (what an off-station copy of the head is compared with)."""
        with self._db.read_session() as session:
            found = session.execute(
                select(AuditHeadRow.sequence, AuditHeadRow.row_hash).where(
                    AuditHeadRow.station_id == self.station_id
                )
            ).one_or_none()
        if found is None:
            return None
        return ChainHead(self.station_id, int(found.sequence), str(found.row_hash))

    def last(self, action: str, session: Session | None = None) -> AuditEntry | None:
        """The newest entry with this action, e.g. the last "config.changed"."""
        query = (
            select(*_ENTRY_COLUMNS)
            .where(AuditLogRow.station_id == self.station_id, AuditLogRow.action == action)
            .order_by(AuditLogRow.sequence.desc())
            .limit(1)
        )
        if session is not None:
            found = session.execute(query).one_or_none()
        else:
            with self._db.read_session() as own:
                found = own.execute(query).one_or_none()
        return None if found is None else _entry(found)

    def entries(
        self, *, action: str | None = None, subject: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """This station's entries in chain order, optionally filtered."""
        query = select(*_ENTRY_COLUMNS).where(AuditLogRow.station_id == self.station_id)
        if action is not None:
            query = query.where(AuditLogRow.action == action)
        if subject is not None:
            query = query.where(AuditLogRow.subject == subject)
        query = query.order_by(AuditLogRow.sequence)
        if limit is not None:
            query = query.limit(limit)
        with self._db.read_session() as session:
            return [_entry(r) for r in session.execute(query)]


# ---------------------------------------------------------------- verifying


@dataclass(frozen=True)
class AuditProblem:
    """One thing wrong with a chain; ``message`` is a complete line for a person."""

    kind: str  # see ProblemKind
    station_id: str
    message: str
    row_id: int | None = None
    sequence: int | None = None


class ProblemKind:
    EDITED: Final = "edited"  # stored hash ≠ hash of the stored fields
    DELETED: Final = "deleted"  # a gap in the sequence
    CHAIN_BROKEN: Final = "chain_broken"  # prev_hash ≠ hash of the entry before
    REORDERED: Final = "reordered"  # row (insertion) order disagrees with the sequence
    DUPLICATE: Final = "duplicate"  # two rows with one sequence number
    TRUNCATED: Final = "truncated"  # the recorded head is beyond the last row
    BEYOND_HEAD: Final = "beyond_head"  # rows after the recorded head
    HEAD_MISMATCH: Final = "head_mismatch"  # the head's row has another hash
    HEAD_MISSING: Final = "head_missing"  # entries but no head row
    ANCHOR_MISMATCH: Final = "anchor_mismatch"  # a known-good (seq, hash) no longer holds
    ANCHOR_MISSING: Final = "anchor_missing"


@dataclass(frozen=True)
class ChainSummary:
    station_id: str
    rows: int
    last_sequence: int  # of the rows found; 0 when none
    last_hash: str  # of the rows found; the genesis hash when none
    head: ChainHead | None  # as recorded in audit_head


@dataclass(frozen=True)
class VerifyReport:
    chains: tuple[ChainSummary, ...]
    problems: tuple[AuditProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.chains)


@dataclass
class _ChainCheck:
    """Checks one station's entries, fed in sequence order, without keeping them."""

    station_id: str
    head: ChainHead | None
    anchors: dict[int, str]
    problems: list[AuditProblem] = field(default_factory=list)
    rows: int = 0
    prev: AuditEntry | None = None
    first_beyond_head: AuditEntry | None = None
    anchors_seen: set[int] = field(default_factory=set)

    def _problem(self, kind: str, message: str, entry: AuditEntry | None = None) -> None:
        self.problems.append(
            AuditProblem(
                kind=kind,
                station_id=self.station_id,
                message=message,
                row_id=None if entry is None else entry.id,
                sequence=None if entry is None else entry.sequence,
            )
        )

    def feed(self, entry: AuditEntry) -> None:
        self.rows += 1
        where = entry.describe()
        computed = entry.computed_hash()
        if computed != entry.row_hash:
            self._problem(
                ProblemKind.EDITED,
                f"{where}: edited — stored hash {short_hash(entry.row_hash)} ≠ computed "
                f"{short_hash(computed)}",
                entry,
            )
        self._check_link(entry, where)
        self._check_head(entry, where)
        anchor = self.anchors.get(entry.sequence)
        if anchor is not None:
            self.anchors_seen.add(entry.sequence)
            if anchor != entry.row_hash:
                self._problem(
                    ProblemKind.ANCHOR_MISMATCH,
                    f"{where}: hash {short_hash(entry.row_hash)} ≠ anchor "
                    f"{short_hash(anchor)} — the chain up to here was rewritten",
                    entry,
                )
        self.prev = entry

    def _check_link(self, entry: AuditEntry, where: str) -> None:
        prev = self.prev
        if prev is None:
            if entry.sequence > 1:
                self._problem(
                    ProblemKind.DELETED,
                    f"{where}: seq {_span(1, entry.sequence - 1)} before it missing — deleted",
                    entry,
                )
            elif entry.prev_hash != GENESIS_HASH:
                self._problem(
                    ProblemKind.CHAIN_BROKEN,
                    f"{where}: first entry, but prev_hash {short_hash(entry.prev_hash)} is not "
                    "the genesis hash",
                    entry,
                )
            return
        if entry.id < prev.id:
            self._problem(
                ProblemKind.REORDERED,
                f"{where}: reordered — it comes before row {prev.id}, which holds the "
                f"earlier seq {prev.sequence}",
                entry,
            )
        if entry.sequence == prev.sequence:
            self._problem(
                ProblemKind.DUPLICATE,
                f"{where}: duplicate — {prev.describe()} has the same sequence number",
                entry,
            )
        elif entry.sequence > prev.sequence + 1:
            # The link cannot be checked across a gap: the missing entry is what it links to.
            self._problem(
                ProblemKind.DELETED,
                f"{where}: seq {_span(prev.sequence + 1, entry.sequence - 1)} missing after "
                f"{prev.describe()} — deleted",
                entry,
            )
        elif entry.prev_hash != prev.row_hash:
            self._problem(
                ProblemKind.CHAIN_BROKEN,
                f"{where}: chain broken — prev_hash {short_hash(entry.prev_hash)} ≠ hash "
                f"{short_hash(prev.row_hash)} of {prev.describe()}; one of the two was "
                "rewritten with a recomputed hash",
                entry,
            )

    def _check_head(self, entry: AuditEntry, where: str) -> None:
        if self.head is None:
            return
        if entry.sequence == self.head.sequence and entry.row_hash != self.head.row_hash:
            self._problem(
                ProblemKind.HEAD_MISMATCH,
                f"{where}: hash {short_hash(entry.row_hash)} ≠ recorded head hash "
                f"{short_hash(self.head.row_hash)} — the entry was replaced",
                entry,
            )
        if entry.sequence > self.head.sequence and self.first_beyond_head is None:
            self.first_beyond_head = entry

    def finish(self) -> ChainSummary:
        last_sequence = 0 if self.prev is None else self.prev.sequence
        last_hash = GENESIS_HASH if self.prev is None else self.prev.row_hash
        head = self.head
        if head is None:
            if self.prev is not None:
                self._problem(
                    ProblemKind.HEAD_MISSING,
                    f"station {self.station_id}: no head record in audit_head (last entry "
                    f"{self.prev.describe()}), so a deleted tail cannot be detected",
                )
        elif head.sequence > last_sequence:
            self._problem(
                ProblemKind.TRUNCATED,
                f"station {self.station_id}: tail truncated — the recorded head is seq "
                f"{head.sequence} ({short_hash(head.row_hash)}) but the last entry is seq "
                f"{last_sequence}: seq {_span(last_sequence + 1, head.sequence)} deleted",
            )
        if self.first_beyond_head is not None and head is not None:
            self._problem(
                ProblemKind.BEYOND_HEAD,
                f"{self.first_beyond_head.describe()}: after the recorded head (seq "
                f"{head.sequence}) — seq {_span(head.sequence + 1, last_sequence)} were added "
                "outside the application",
                self.first_beyond_head,
            )
        for sequence in sorted(set(self.anchors) - self.anchors_seen):
            self._problem(
                ProblemKind.ANCHOR_MISSING,
                f"station {self.station_id}: anchor seq {sequence} "
                f"({short_hash(self.anchors[sequence])}) not found — deleted",
            )
        return ChainSummary(self.station_id, self.rows, last_sequence, last_hash, head)


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (a head noted earlier, e.g. from an export) → (seq, hash)."""
    sequence, sep, digest = text.partition(":")
    digest = digest.strip().lower()
    if not sep or not sequence.strip().isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(f"anchor must be SEQ:SHA256HEX (64 hex digits), got {text!r}")
    return int(sequence), digest


@contextmanager
def _snapshot(database: Database) -> Iterator[Session]:
    """A read-only session whose reads all see one snapshot: heads and rows must agree.

    PostgreSQL's default READ COMMITTED would let an append land between reading the
    heads and the rows (a false "truncated"); SQLite's WAL read transaction already
    keeps one snapshot.
    """
    with database.sessionmaker() as session:
        if not database.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
        finally:
            session.rollback()  # nothing was written; ends the read transaction


def _heads(session: Session, station_id: str | None) -> dict[str, ChainHead]:
    query = select(AuditHeadRow.station_id, AuditHeadRow.sequence, AuditHeadRow.row_hash)
    if station_id is not None:
        query = query.where(AuditHeadRow.station_id == station_id)
    return {
        str(r.station_id): ChainHead(str(r.station_id), int(r.sequence), str(r.row_hash))
        for r in session.execute(query)
    }


def _stream(session: Session, station_id: str | None) -> Iterator[AuditEntry]:
    query = select(*_ENTRY_COLUMNS)
    if station_id is not None:
        query = query.where(AuditLogRow.station_id == station_id)
    # Chain order; a year of decisions is millions of rows, so they are streamed.
    query = query.order_by(AuditLogRow.station_id, AuditLogRow.sequence, AuditLogRow.id)
    for row in session.execute(query.execution_options(yield_per=2000)):
        yield _entry(row)


def verify_audit_log(
    database: Database,
    station_id: str | None = None,
    *,
    anchors: Iterable[tuple[int, str]] = (),
) -> VerifyReport:
    """Check every chain (or one station's): hashes, links, order, and the recorded heads.

    ``anchors`` are (sequence, hash) pairs of ``station_id``'s chain known from
    elsewhere (an export, a printout); each must still be in the chain unchanged.
    """
    anchor_map = dict(anchors)
    if anchor_map and station_id is None:
        raise ValueError("anchors belong to one station's chain: give the station id")
    checks: dict[str, _ChainCheck] = {}
    try:
        with _snapshot(database) as session:
            heads = _heads(session, station_id)

            def check_for(sid: str) -> _ChainCheck:
                if sid not in checks:
                    own = anchor_map if sid == station_id else {}
                    checks[sid] = _ChainCheck(sid, heads.get(sid), dict(own))
                return checks[sid]

            for entry in _stream(session, station_id):
                check_for(entry.station_id).feed(entry)
            for sid in heads:
                check_for(sid)
            if station_id is not None:
                check_for(station_id)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read the audit log: {getattr(exc, 'orig', exc)}") from exc
    chains = tuple(checks[sid].finish() for sid in sorted(checks))
    problems = tuple(p for sid in sorted(checks) for p in checks[sid].problems)
    return VerifyReport(chains, problems)


# ---------------------------------------------------------------- exporting


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    sha256: str  # of the file
    last: Mapping[str, tuple[int, str]]  # station → (sequence, hash) of its last exported row


def export_audit_csv(database: Database, out: Path, station_id: str | None = None) -> ExportResult:
    """Write the chain(s) to a CSV file with everything needed to re-check the hashes.

    ``occurred_at`` and ``details`` are written in their canonical form and an empty
    ``subject`` means none, so each row's hash can be recomputed from the file alone.
    The file appears complete or not at all (written beside, then renamed).
    """
    out = Path(out)
    if out.is_dir():
        raise StorageError(f"audit export: {out} is a directory, give a file name")
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    digest = hashlib.sha256()
    rows = 0
    last: dict[str, tuple[int, str]] = {}
    try:
        with (
            _snapshot(database) as session,
            tmp.open("w", encoding="utf-8", newline="") as f,
        ):
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for entry in _stream(session, station_id):
                writer.writerow(
                    (
                        entry.id,
                        entry.station_id,
                        entry.sequence,
                        format_timestamp(entry.occurred_at),
                        entry.actor,
                        entry.action,
                        entry.subject or "",
                        entry.details_json,
                        entry.prev_hash,
                        entry.row_hash,
                    )
                )
                rows += 1
                last[entry.station_id] = (entry.sequence, entry.row_hash)
            f.flush()
            os.fsync(f.fileno())
        with tmp.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"audit export to {out} failed: {exc.strerror or exc}") from exc
    except SQLAlchemyError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"cannot read the audit log: {getattr(exc, 'orig', exc)}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportResult(out, rows, digest.hexdigest(), last)
