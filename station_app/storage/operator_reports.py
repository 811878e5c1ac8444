"""Writing the OPERATOR Threat Detection Report of each decision, crash-safe.

``ScanRepository.record_decision`` records, in the decision's own transaction,
that the report is due (an ``image_files`` row without a path). This writer then
writes the file and fills the row in. A crash in between loses nothing: the row
is still due at the next start and the file is written then (the same bytes, if
it was already written before the crash: the report is fixed by the decision).
"""

from __future__ import annotations

import logging

from station_app.storage.db import StorageError
from station_app.storage.image_files import ImageFileRepository
from station_app.storage.images import ImageStore

log = logging.getLogger(__name__)
MAX_WRITE_ATTEMPTS = 5  # then the report needs a person (e.g. the machine report is damaged)


class OperatorReportWriter:
    def __init__(self, files: ImageFileRepository, images: ImageStore) -> None:
        self.files = files
        self.images = images

    def write_due(self, limit: int = 50) -> int:
        """Write every due report (up to ``limit``); returns how many were written.

        A report that cannot be written is logged and tried again on the next call,
        ``MAX_WRITE_ATTEMPTS`` times at most; never raises for one bad report.
        """
        written = 0
        for due in self.files.due_operator_reports(limit):
            where = f"decision {due.decision_id} on scan {due.decision.scan_id}"
            if due.machine_tdr_path is None:
                reason = "its MACHINE report is not on disk: an OPERATOR report cannot refer to it"
                log.error("operator report of %s not written: %s", where, reason)
                self.files.mark_failed(due.file_id, reason)
                continue
            try:
                stored = self.images.write_operator_tdr(
                    due.decision, due.decision_id, due.machine_tdr_path
                )
            except StorageError as exc:
                record = self.files.get(due.file_id)
                attempts = 1 + (record.upload_attempts if record is not None else 0)
                log.error("operator report of %s not written (try %d): %s", where, attempts, exc)
                if attempts >= MAX_WRITE_ATTEMPTS:
                    self.files.mark_failed(due.file_id, str(exc))
                else:
                    self.files.mark_attempt_failed(due.file_id, str(exc))
                continue
            self.files.record_written(due.file_id, stored)
            written += 1
        return written
