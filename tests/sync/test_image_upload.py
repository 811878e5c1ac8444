"""Image files to central: the resumable upload against a real hub on 127.0.0.1, faults included.

The station stores real DICOS files (storage.images), the uploader sends them
through the real HTTP client, the hub writes them to its own directory; faults
are injected on the wire by the hub's fault middleware.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest
from sync_helpers import STATION, TOKEN, ConfigFactory, tiny_parcel, wait_for

from station_app.config import StationConfig
from station_app.domain import Decision, ParcelScan, RawScan, Verdict
from station_app.storage import Database, ScanRepository
from station_app.storage.image_files import ImageFileRecord, ImageFileRepository
from station_app.storage.images import DicosSettings, ImageStore
from station_app.storage.operator_reports import OperatorReportWriter
from station_app.sync.client import CentralClient, CentralConflict
from station_app.sync.hub import HubServer
from station_app.sync.hub_faults import Fault
from station_app.sync.hub_image_store import HubImageStore
from station_app.sync.image_schemas import ImageUploadRequest
from station_app.sync.images import ImageUploader, ImageUploadReport
from station_app.sync.worker import SyncWorker

pytestmark = pytest.mark.timeout(60)
CHUNK = 4096  # the smallest chunk the config allows: several chunks per DX file


def parcel(scan_id: str, seed: int = 0) -> ParcelScan:
    """64 lines × 128 pixels of noise: DX files of ~17 kB, i.e. five chunks each."""
    base = tiny_parcel(scan_id)
    rng = np.random.default_rng(seed)
    shape = (64, 128)
    raw = RawScan(
        scan_id=scan_id, scanner_serial="SIM-0001", first_line_index=0,
        high_counts=rng.integers(0, 65535, size=shape, dtype=np.uint16),
        low_counts=rng.integers(0, 65535, size=shape, dtype=np.uint16),
        started_ns=1_000, ended_ns=2_000, line_pitch_mm=2.5, pixel_pitch_mm=1.6,
        tracking_id=base.tracking_id,
    )
    zeros = np.zeros(shape, dtype=np.float32)
    image = type(base.image)(a_high=zeros, a_low=zeros, zeff=zeros,
                             material_class=np.zeros(shape, dtype=np.uint8),
                             line_pitch_mm=2.5, pixel_pitch_mm=1.6)
    return ParcelScan(raw=raw, image=image, alarms=(), detections=(), triage=base.triage,
                      timings_ms={}, calibration_id="")


@pytest.fixture
def config(make_config: ConfigFactory, hub: HubServer) -> StationConfig:
    return make_config(hub.url, image_chunk_bytes=CHUNK, read_timeout_s=1.0)


@pytest.fixture
def store(config: StationConfig) -> ImageStore:
    return ImageStore(config.image_dir, dicos=DicosSettings(station_id=STATION))


@pytest.fixture
def scans(database: Database, store: ImageStore) -> ScanRepository:
    return ScanRepository(database, store, STATION)


@pytest.fixture
def uploader(
    database: Database, store: ImageStore, config: StationConfig
) -> Iterator[ImageUploader]:
    up = ImageUploader(database, store, config)
    yield up
    up.close()


def hub_images(hub: HubServer) -> HubImageStore:
    return HubImageStore.beside(hub.store.engine)  # a second view of the hub's own files


def _stored_scans(scans: ScanRepository, database: Database, store: ImageStore,
                  *scan_ids: str) -> list[ImageFileRecord]:
    """Parcels stored, decided, operator reports written: five files per scan."""
    for i, scan_id in enumerate(scan_ids):
        scans.save_parcel(parcel(scan_id, seed=i))
        scans.record_decision(Decision(scan_id, Verdict.CLEAR, "jdoe", datetime.now(UTC)))
    files = ImageFileRepository(database)
    OperatorReportWriter(files, store).write_due()
    return [f for s in scan_ids for f in files.files_of(s)]


def _run_until_done(uploader: ImageUploader, deadline_s: float = 20) -> list[ImageUploadReport]:
    """run_once until nothing waits, past the uploader's own backoff after failures."""
    reports: list[ImageUploadReport] = []
    stop_at = time.monotonic() + deadline_s
    while time.monotonic() < stop_at:
        report = uploader.run_once()
        reports.append(report)
        if not uploader.files.next_to_upload(1):
            break
        time.sleep(0.05)
    return reports


def _assert_central_holds_exactly(hub: HubServer, store: ImageStore,
                                  files: list[ImageFileRecord]) -> None:
    held = hub_images(hub).stored_files(STATION)
    assert sorted((h.scan_id, h.kind) for h in held) == sorted((f.scan_id, f.kind) for f in files)
    local = {(f.scan_id, f.kind): f for f in files}
    for h in held:
        f = local[(h.scan_id, h.kind)]
        data = h.path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == h.sha256 == f.sha256
        assert data == store.path(str(f.relative_path)).read_bytes()
    assert hub_images(hub).open_uploads() == []
    assert list((hub_images(hub).directory / "partial").iterdir()) == []


def test_images_arrive_once_with_their_sha256(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    uploader: ImageUploader,
) -> None:
    files = _stored_scans(scans, database, store, "S-1", "S-2")
    assert len(files) == 10 and all(f.relative_path for f in files)
    report = uploader.run_once()
    assert (report.uploaded, report.duplicates, report.failed, report.error) == (10, 0, 0, None)
    assert report.bytes_sent == sum(int(f.n_bytes or 0) for f in files)
    _assert_central_holds_exactly(hub, store, files)
    repo = ImageFileRepository(database)
    assert all(f.uploaded_at is not None for s in ("S-1", "S-2") for f in repo.files_of(s))
    assert uploader.run_once() == ImageUploadReport()  # nothing is sent twice
    with httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        listed = http.get("/v1/images/S-1").json()
    assert {i["kind"] for i in listed["images"]} == {f.kind for f in files if f.scan_id == "S-1"}


def test_same_file_again_is_a_duplicate_another_file_a_conflict(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    uploader: ImageUploader, config: StationConfig,
) -> None:
    files = _stored_scans(scans, database, store, "S-1")
    uploader.run_once()
    dx_high = next(f for f in files if f.kind == "dx_high")
    client = CentralClient(config.sync, STATION)
    try:
        same = ImageUploadRequest(scan_id="S-1", kind="dx_high",
                                  size_bytes=int(dx_high.n_bytes or 0), sha256=str(dx_high.sha256))
        again = client.start_image_upload(same)
        assert (again.status, again.duplicate, again.offset) == ("complete", True, again.size_bytes)
        other = same.model_copy(update={"sha256": "0" * 64})
        with pytest.raises(CentralConflict, match="another dx_high file"):
            client.start_image_upload(other)
    finally:
        client.close()
    (held,) = [h for h in hub_images(hub).stored_files() if h.kind == "dx_high"]
    assert (held.sha256, held.duplicates_seen) == (dx_high.sha256, 1)


def test_connection_reset_mid_chunk_resumes_at_centrals_offset(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    uploader: ImageUploader,
) -> None:
    files = _stored_scans(scans, database, store, "S-1")
    first = files[0]  # dx_high: its second chunk is cut after 1000 of 4096 bytes
    # The first chunk goes through untouched (a zero sleep), the second one is cut.
    hub.faults.inject(Fault(kind="sleep", seconds=0, path_prefix="/v1/images/uploads/"))
    hub.faults.inject(Fault(kind="cut_request", path_prefix="/v1/images/uploads/",
                            size_bytes=1000))
    report = uploader.run_once()
    assert report.error is not None and report.uploaded == 0
    (open_upload,) = hub_images(hub).open_uploads()
    # Central kept what arrived before the reset: an offset no chunk boundary gives.
    assert (open_upload.kind, open_upload.offset) == ("dx_high", CHUNK + 1000)
    row = ImageFileRepository(database).get(first.id)
    assert row is not None and row.uploaded_at is None and row.upload_attempts == 1
    assert row.last_error is not None

    reports = _run_until_done(uploader)
    assert sum(r.uploaded for r in reports) == 5 and all(r.failed == 0 for r in reports)
    # Only what central did not have was sent again.
    assert sum(r.bytes_sent for r in reports) == sum(int(f.n_bytes or 0) for f in files) - (
        CHUNK + 1000)
    _assert_central_holds_exactly(hub, store, files)


def test_500s_and_hangs_are_retried_later_nothing_lost(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    uploader: ImageUploader,
) -> None:
    files = _stored_scans(scans, database, store, "S-1", "S-2")
    hub.faults.inject(Fault(kind="status", status=500, count=2, path_prefix="/v1/images"))
    report = uploader.run_once()
    assert report.error is not None and "500" in report.error and report.uploaded == 0
    assert hub_images(hub).stored_files() == []
    # Central hangs past the client's read timeout (1 s), then handles the chunk anyway.
    hub.faults.inject(Fault(kind="sleep", seconds=2.0, path_prefix="/v1/images/uploads/"))
    reports = _run_until_done(uploader)
    assert any(r.error and "in time" in r.error for r in reports)
    assert wait_for(lambda: hub.faults.pending() == 0, 5)
    reports += _run_until_done(uploader)
    assert sum(r.failed for r in reports) == 0
    _assert_central_holds_exactly(hub, store, files)
    now = {f.id: ImageFileRepository(database).get(f.id) for f in files}
    assert all(r is not None and r.uploaded_at is not None for r in now.values())


def test_damaged_local_file_is_reported_never_uploaded(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    uploader: ImageUploader,
) -> None:
    files = _stored_scans(scans, database, store, "S-1")
    low = next(f for f in files if f.kind == "dx_low")
    path = store.path(str(low.relative_path))
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x01  # one bit of one pixel
    path.write_bytes(bytes(data))

    report = uploader.run_once()
    assert (report.uploaded, report.failed) == (4, 1)
    assert "dx_low" not in {h.kind for h in hub_images(hub).stored_files()}
    row = ImageFileRepository(database).get(low.id)
    assert row is not None and row.uploaded_at is None and row.failed_at is not None
    assert row.last_error is not None and "damaged" in row.last_error
    assert ImageFileRepository(database).usage().failed_files == 1
    assert uploader.run_once().failed == 0  # reported once; never offered again as good


def test_hub_refuses_bad_requests(hub: HubServer, tmp_path: Path) -> None:
    other = HubServer(tmp_path / "hub2" / "hub.sqlite3", {TOKEN: STATION, "t2": "STATION-02"})
    other.start()
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        body = b"x" * 5000
        create = {"scan_id": "S-1", "kind": "dx_high", "size_bytes": len(body),
                  "sha256": hashlib.sha256(body).hexdigest()}
        chunk = {"Content-Type": "application/offset+octet-stream"}
        with httpx.Client(base_url=other.url, headers=auth, timeout=5) as http:
            assert httpx.post(f"{other.url}/v1/images/uploads", json=create).status_code == 401
            assert http.post("/v1/images/uploads", json={**create, "kind": "x"}).status_code == 422
            assert http.post("/v1/images/uploads",
                             json={**create, "size_bytes": 2 << 30}).status_code == 413
            made = http.post("/v1/images/uploads", json=create)
            assert made.status_code == 201
            upload_id = made.json()["upload_id"]
            assert http.post("/v1/images/uploads", json=create).json()["upload_id"] == upload_id
            url = f"/v1/images/uploads/{upload_id}"
            # Another station's token does not see the upload.
            assert http.get(url, headers={"Authorization": "Bearer t2"}).status_code == 404
            wrong = http.patch(url, content=body[:10], headers={**chunk, "Upload-Offset": "7"})
            assert wrong.status_code == 409 and wrong.headers["upload-offset"] == "0"
            assert http.patch(url, content=body[:10], headers={
                "Content-Type": "text/plain", "Upload-Offset": "0"}).status_code == 415
            assert http.patch(url, content=body + b"!", headers={
                **chunk, "Upload-Offset": "0"}).status_code == 413
            part = http.patch(url, content=body[:3000], headers={**chunk, "Upload-Offset": "0"})
            assert (part.status_code, part.json()["offset"]) == (200, 3000)
            assert http.get(url).headers["upload-offset"] == "3000"
            # The last bytes do not match the declared sha256: refused, upload discarded.
            bad = http.patch(url, content=b"y" * 2000, headers={**chunk, "Upload-Offset": "3000"})
            assert bad.status_code == 422 and "sha256" in bad.json()["detail"]
            assert http.get(url).status_code == 404
            assert http.get("/v1/images/S-1").json()["images"] == []
            again = http.post("/v1/images/uploads", json=create).json()
            done = http.patch(f"/v1/images/uploads/{again['upload_id']}", content=body,
                              headers={**chunk, "Upload-Offset": "0"})
            assert (done.status_code, done.json()["status"]) == (200, "complete")
            assert http.post("/v1/images/uploads", json=create).json()["duplicate"] is True
    finally:
        other.stop()


def test_worker_sends_results_before_images(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    config: StationConfig,
) -> None:
    files = _stored_scans(scans, database, store, "S-1", "S-2", "S-3")
    worker = SyncWorker(database, config)
    worker.start()
    try:
        repo = ImageFileRepository(database)
        ids = [f.id for f in files]
        assert wait_for(lambda: all(r and r.uploaded_at for r in map(repo.get, ids)), 30)
    finally:
        assert worker.stop(10)
    results = hub.store.applied_results(STATION)
    assert len(results) == 6  # scan.processed + scan.decided per scan
    held = hub_images(hub).stored_files(STATION)
    assert len(held) == len(files)
    _assert_central_holds_exactly(hub, store, files)


def test_abandoned_uploads_are_discarded_and_the_station_starts_again(
    hub: HubServer, database: Database, scans: ScanRepository, store: ImageStore,
    uploader: ImageUploader,
) -> None:
    files = _stored_scans(scans, database, store, "S-1")
    hub.faults.inject(Fault(kind="sleep", seconds=0, path_prefix="/v1/images/uploads/"))
    hub.faults.inject(Fault(kind="cut_request", path_prefix="/v1/images/uploads/",
                            size_bytes=1000))
    assert uploader.run_once().error is not None
    (abandoned,) = hub_images(hub).open_uploads()
    # A partial file no upload owns (a crash between creating it and recording it).
    orphan = hub_images(hub).partial_path("0" * 32)
    orphan.write_bytes(b"left over")

    # A week and a bit later, as seen by the hub (its clock moved, not the files).
    later = datetime.now(UTC) + timedelta(days=8)
    expiring = HubImageStore.beside(hub.store.engine, clock=lambda: later)
    assert expiring.open_uploads() == []  # discarded when the store started
    assert not expiring.partial_path(abandoned.upload_id).exists()
    assert not orphan.exists()

    # The station, back again, sends the whole file from byte 0 and nothing is lost.
    reports = _run_until_done(uploader)
    assert all(r.failed == 0 for r in reports)
    _assert_central_holds_exactly(hub, store, files)


def test_an_upload_still_receiving_bytes_is_kept(hub: HubServer) -> None:
    images = hub_images(hub)
    request = ImageUploadRequest(scan_id="S-9", kind="dx_high", size_bytes=10,
                                 sha256="0" * 64)
    upload, created = images.create(STATION, request)
    assert created
    images.partial_path(upload.upload_id).write_bytes(b"12345")
    images.advance(STATION, upload.upload_id, 0, 5)
    # Three days on: young enough, kept with its bytes.
    later = datetime.now(UTC) + timedelta(days=3)
    assert HubImageStore.beside(hub.store.engine, clock=lambda: later).expire_abandoned() == 0
    (kept,) = images.open_uploads()
    assert (kept.upload_id, kept.offset) == (upload.upload_id, 5)
    assert images.partial_path(upload.upload_id).read_bytes() == b"12345"
