"""TIP presentations and the inspectors' responses (``tip_presentations``).

A presentation is written when the pipeline projects an item into a parcel,
in its own transaction after the real scan was stored; the response when the
inspector decided on the TIP image, with its audit entry. Nothing here goes
to the outbox: a TIP image is never a result (docs/tip.md). The TIP image's
DICOS files (``storage.tip_images``, local only) are named on the row, and
marked deleted when housekeeping removed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from station_app.domain import BoxPx, Verdict
from station_app.marks import MarksError, marks_from_text, marks_to_list, marks_to_text
from station_app.storage.audit import ACTION_TIP_RESPONDED, AuditLog
from station_app.storage.db import Database, StorageError
from station_app.storage.models import TipPresentationRow
from station_app.tip.scoring import TipOutcome, TipResponse, located_on_item, score


@dataclass(frozen=True)
class TipPresentation:
    id: int
    scan_id: str
    item_id: str
    category: str
    box: BoxPx
    angle_deg: float
    presented_at: datetime
    response: TipResponse | None
    image_path: str | None = None  # the TIP image's DX high file; None: not written
    image_sha256: str | None = None
    image_deleted_at: datetime | None = None  # housekeeping removed the files


@dataclass(frozen=True)
class StoredTipImage:
    """A presentation whose TIP image files are still on disk."""

    presentation_id: int
    image_path: str  # DX high, '/'-separated under the image dir
    presented_at: datetime


def _record(row: TipPresentationRow) -> TipPresentation:
    box = BoxPx(row.line0, row.px0, row.line1, row.px1)
    response = None
    if row.verdict is not None and row.operator is not None and row.responded_at is not None:
        response = TipResponse(
            scan_id=row.scan_id,
            item_id=row.item_id,
            category=row.category,
            operator=row.operator,
            verdict=Verdict(row.verdict),
            response_time_ms=row.response_time_ms,
            presented_at=row.presented_at,
            item_box=box,
            marks=marks_from_text(row.marks),
            # As scored when answered: a later change of tip.hit_needs_mark rescores nothing.
            scored=TipOutcome(row.outcome) if row.outcome is not None else None,
        )
    return TipPresentation(
        id=row.id,
        scan_id=row.scan_id,
        item_id=row.item_id,
        category=row.category,
        box=box,
        angle_deg=row.angle_deg,
        presented_at=row.presented_at,
        response=response,
        image_path=row.image_path,
        image_sha256=row.image_sha256,
        image_deleted_at=row.image_deleted_at,
    )


class TipRepository:
    def __init__(self, database: Database, station_id: str) -> None:
        self._db = database
        self.station_id = station_id

    def add_presentation(
        self, scan_id: str, item_id: str, category: str, box: BoxPx, angle_deg: float
    ) -> int:
        try:
            with self._db.write_session() as session:
                row = TipPresentationRow(
                    scan_id=scan_id,
                    item_id=item_id,
                    category=category,
                    line0=box.line0,
                    px0=box.px0,
                    line1=box.line1,
                    px1=box.px1,
                    angle_deg=float(angle_deg),
                    presented_at=datetime.now(UTC),
                )
                session.add(row)
                session.flush()
                return row.id
        except SQLAlchemyError as exc:
            raise StorageError(f"TIP presentation on {scan_id} not stored: {exc}") from exc

    def record_response(
        self,
        presentation_id: int,
        operator: str,
        verdict: Verdict,
        response_time_ms: float | None,
        marks: tuple[BoxPx, ...] = (),
        *,
        hit_needs_mark: bool = False,
    ) -> TipOutcome:
        """Score and store the response; a presentation answers once only.

        ``marks``: where the inspector pointed, stored with the response and scored
        against the item's box; ``hit_needs_mark`` (``tip.hit_needs_mark``): a response
        not cleared is a hit only when a mark is on the item (``tip.scoring.score``)."""
        try:
            marks_text, marks_wire = marks_to_text(marks), marks_to_list(marks)
        except MarksError as exc:
            raise StorageError(f"TIP response {presentation_id} not stored: {exc}") from exc
        now = datetime.now(UTC)
        try:
            with self._db.write_session() as session:
                # The item's box, for scoring the marks, before the row is answered.
                item = session.execute(
                    select(TipPresentationRow.line0, TipPresentationRow.px0,
                           TipPresentationRow.line1, TipPresentationRow.px1)
                    .where(TipPresentationRow.id == presentation_id)
                ).one_or_none()
                item_box = None if item is None else BoxPx(*map(int, item))
                outcome = score(verdict, marks, item_box, hit_needs_mark=hit_needs_mark)
                done = session.execute(
                    update(TipPresentationRow)
                    .where(
                        TipPresentationRow.id == presentation_id,
                        TipPresentationRow.verdict.is_(None),
                    )
                    .values(
                        operator=operator,
                        verdict=verdict.value,
                        outcome=outcome.value,
                        response_time_ms=response_time_ms,
                        responded_at=now,
                        marks=marks_text,
                    )
                )
                if done.rowcount != 1:  # type: ignore[attr-defined]
                    raise StorageError(
                        f"TIP presentation {presentation_id} does not exist or was answered"
                    )
                row = session.get(TipPresentationRow, presentation_id)
                assert row is not None
                AuditLog(self._db, self.station_id).append(
                    session,
                    operator,
                    ACTION_TIP_RESPONDED,
                    row.scan_id,
                    {
                        "presentation_id": presentation_id,
                        "item_id": row.item_id,
                        "category": row.category,
                        "verdict": verdict.value,
                        "outcome": outcome.value,
                        "response_time_ms": response_time_ms,
                        # Only when marked / when the rule is on: entries of unmarked
                        # responses under the default rule keep their shape.
                        **(
                            {"marks": marks_wire, "located": located_on_item(marks, item_box)}
                            if marks_wire
                            else {}
                        ),
                        **({"hit_needs_mark": True} if hit_needs_mark else {}),
                    },
                )
        except SQLAlchemyError as exc:
            raise StorageError(f"TIP response {presentation_id} not stored: {exc}") from exc
        return outcome

    def record_image(self, presentation_id: int, image_path: str, image_sha256: str) -> None:
        """Name the presentation's TIP image files (their DX high file and its sha256)."""
        try:
            with self._db.write_session() as session:
                done = session.execute(
                    update(TipPresentationRow)
                    .where(TipPresentationRow.id == presentation_id)
                    .values(image_path=image_path, image_sha256=image_sha256,
                            image_deleted_at=None)
                )
                if done.rowcount != 1:  # type: ignore[attr-defined]
                    raise StorageError(f"TIP presentation {presentation_id} does not exist")
        except SQLAlchemyError as exc:
            raise StorageError(
                f"TIP image of presentation {presentation_id} not recorded: {exc}"
            ) from exc

    def images_on_disk(self, presented_before: datetime, limit: int) -> list[StoredTipImage]:
        """TIP images shown before ``presented_before`` and not deleted yet, oldest first."""
        query = (
            select(TipPresentationRow.id, TipPresentationRow.image_path,
                   TipPresentationRow.presented_at)
            .where(
                TipPresentationRow.presented_at < presented_before,
                TipPresentationRow.image_path.is_not(None),
                TipPresentationRow.image_deleted_at.is_(None),
            )
            .order_by(TipPresentationRow.presented_at, TipPresentationRow.id)
            .limit(limit)
        )
        with self._db.read_session() as session:
            return [StoredTipImage(pid, str(path), at) for pid, path, at in session.execute(query)]

    def mark_images_deleted(self, presentation_ids: Sequence[int], when: datetime) -> None:
        if not presentation_ids:
            return
        try:
            with self._db.write_session() as session:
                session.execute(
                    update(TipPresentationRow)
                    .where(TipPresentationRow.id.in_(list(presentation_ids)))
                    .values(image_deleted_at=when)
                )
        except SQLAlchemyError as exc:
            raise StorageError(f"TIP images not marked deleted: {exc}") from exc

    def get(self, presentation_id: int) -> TipPresentation | None:
        with self._db.read_session() as session:
            row = session.get(TipPresentationRow, presentation_id)
            return None if row is None else _record(row)

    def responses(self, start: datetime, end: datetime) -> list[TipResponse]:
        """Answered presentations shown in [start, end), oldest first."""
        query = (
            select(TipPresentationRow)
            .where(
                TipPresentationRow.presented_at >= start,
                TipPresentationRow.presented_at < end,
                TipPresentationRow.verdict.is_not(None),
            )
            .order_by(TipPresentationRow.presented_at)
        )
        with self._db.read_session() as session:
            records = [_record(r) for r in session.scalars(query)]
        return [r.response for r in records if r.response is not None]
