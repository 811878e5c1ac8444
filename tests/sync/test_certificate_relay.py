"""Verification-URL certificates through the real hub's relay to a real authority server.

Three real parts on loopback: the station's service (real SQLite), the reference
hub (uvicorn) and a demo issuing authority (uvicorn). Whatever fails between
them, the verdict is never VALID.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sync_helpers import STATION, TOKEN, ConfigFactory, tiny_parcel

from station_app.certificates import demo
from station_app.certificates.demo_authority import (
    AuthorityServer,
    DemoAuthority,
    IssuedCertificate,
)
from station_app.certificates.records import CertificateStatus, MismatchKind, VerdictSource
from station_app.certificates.service import CertificateService, build_certificate_service
from station_app.certificates.url_payload import DEFAULT_AUTHORITIES
from station_app.domain import TriageLevel
from station_app.manifests.model import Category, ContentLine, Manifest, ManifestKind, Party
from station_app.storage import Database, ImageStore, OutboxRepository, ScanRepository
from station_app.storage.manifests import ManifestRepository
from station_app.sync.client import CentralClient
from station_app.sync.hub import HubServer
from station_app.sync.hub_faults import Fault
from station_app.sync.loopback import bind_loopback
from station_app.sync.schemas import ResultItem, payload_problem

KCS = DEFAULT_AUTHORITIES[0]
TRACKING = "EE123456785KR"  # tiny_parcel's
CLAIMS = demo.demo_claims(certificate_number="KCS-2025-000777")
VALID = IssuedCertificate("KCS2025000777", "A1B2C3D4", CLAIMS)
REVOKED = IssuedCertificate(
    "KCS2025000013",
    "Z9Y8X7W6",
    replace(CLAIMS, certificate_number="KCS-2025-000013"),
    status="revoked",
    reasons=("withdrawn on the exporter's request",),
)
FORGED = IssuedCertificate(
    "KCS2025000666", "QQQQ1111", replace(CLAIMS, certificate_number="KCS-2025-000666"), "invalid"
)
STATION_2, TOKEN_2 = "STATION-02", "station-02-secret-token"


def url_of(cert: IssuedCertificate, code: str | None = None) -> str:
    return demo.demo_url_payload(KCS, cert.reference_number, code or cert.reference_code)


def manifest_for_claims(addressee: str = "Nordlicht Handels GmbH", routers: int = 100) -> Manifest:
    """A manifest that agrees with CLAIMS (unless told otherwise)."""
    line = ContentLine
    return Manifest(
        kind=ManifestKind.POSTAL,
        tracking_id=TRACKING,
        category=Category.SALE_OF_GOODS,
        sender=Party("HANBIT ELECTRONICS CO LTD", "7 Gasan-ro\nSeoul", "KR"),
        addressee=Party(addressee, "Hafenstrasse 3\n20457 Hamburg", "DE"),
        lines=(
            line("Battery packs", 40, 9000.0, Decimal("800"), "EUR", "850760", "KR"),
            line("Wi-Fi routers", routers, 30000.0, Decimal("2000"), "EUR", "851762", "KR"),
            line("Face cream", 10, 30000.0, Decimal("300"), "EUR", "330499", "KR"),
        ),
    )


@pytest.fixture
def authority() -> Iterator[AuthorityServer]:
    server = AuthorityServer(DemoAuthority((VALID, REVOKED, FORGED)))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def relay_hub(tmp_path: Path, authority: AuthorityServer) -> Iterator[HubServer]:
    server = HubServer(
        tmp_path / "hub" / "hub.sqlite3",
        {TOKEN: STATION, TOKEN_2: STATION_2},
        authorities={"kcs": authority.url},
    )
    server.start()
    yield server
    server.stop()


def make_service(
    database: Database,
    repo: ScanRepository,
    config_factory: ConfigFactory,
    url: str | None,
    **kw: object,
) -> CertificateService:
    config = config_factory(url)
    config = config.model_copy(update={"certificates": config.certificates.model_copy(update=kw)})
    return build_certificate_service(config, database, repo, lambda: None)


@pytest.fixture
def parcel(repo: ScanRepository, database: Database) -> str:
    repo.save_parcel(tiny_parcel("S-000001"))
    ManifestRepository(database).save(manifest_for_claims(), source="test")
    return "S-000001"


def test_valid_certificate_is_verified_online_stored_and_cached(
    relay_hub: HubServer,
    authority: AuthorityServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
) -> None:
    service = make_service(database, repo, make_config, relay_hub.url)
    try:
        check = service.check_text(url_of(VALID), scan_id=parcel)
        assert check.status is CertificateStatus.VALID, check.reasons
        assert check.source is VerdictSource.ONLINE
        assert check.claims == CLAIMS
        assert check.mismatches == ()  # the manifest agrees with the certificate
        assert check.triage is not None and check.triage.level is TriageLevel.GREEN
        assert check.consumed == {"850760": 40.0, "851762": 100.0, "330499": 30.0}
        assert authority.authority.requests == 1
        stored = service.checks_for(parcel)
        assert [c.verdict_id for c in stored] == [check.verdict_id]
        assert stored[0].claims == CLAIMS and stored[0].authority == "kcs"
        events = [
            r for r in OutboxRepository(database).pending() if r.topic == "certificate.verified"
        ]
        assert len(events) == 1 and events[0].payload["status"] == "valid"
        assert "A1B2C3D4" not in str(events[0].payload)  # the reference code stays secret
        assert payload_problem("certificate.verified", dict(events[0].payload)) is None

        again = service.check_text(url_of(VALID), scan_id=parcel)
        assert again.source is VerdictSource.CACHE and again.status is CertificateStatus.VALID
        assert authority.authority.requests == 1  # the cache answered
    finally:
        service.close()


@pytest.mark.parametrize(
    ("cert", "code", "status", "words"),
    [
        (REVOKED, None, CertificateStatus.REVOKED, "revoked"),
        (FORGED, None, CertificateStatus.INVALID, "not valid"),
        (VALID, "WRONG000", CertificateStatus.INVALID, "does not know"),
    ],
    ids=["revoked", "invalid", "wrong-code"],
)
def test_authority_refusals_raise_triage(
    relay_hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
    cert: IssuedCertificate,
    code: str | None,
    status: CertificateStatus,
    words: str,
) -> None:
    service = make_service(database, repo, make_config, relay_hub.url)
    try:
        check = service.check_text(url_of(cert, code), scan_id=parcel)
    finally:
        service.close()
    assert check.status is status
    assert words in " ".join(check.reasons)
    assert check.triage is not None and check.triage.level is TriageLevel.AMBER
    assert any(r.startswith("AMBER: Certificate: ") for r in check.triage.reasons)


def _never_valid(check_status: CertificateStatus, reasons: tuple[str, ...], *needles: str) -> None:
    assert check_status is CertificateStatus.COULD_NOT_VERIFY_NOW, reasons
    text = " ".join(reasons)
    for needle in needles:
        assert needle in text, text


def test_central_down_is_could_not_verify_now_and_not_cached(
    tmp_path: Path,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
    authority: AuthorityServer,
) -> None:
    sock = bind_loopback()  # bound, never listening: connections are refused
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    service = make_service(database, repo, make_config, url)
    try:
        first = service.check_text(url_of(VALID), scan_id=parcel)
        _never_valid(
            first.status, first.reasons, "could not verify now", "central could not be reached"
        )
        assert first.triage is not None and first.triage.level is TriageLevel.AMBER
        # Central comes back: the next check asks again (no cached "not now").
        with HubServer(
            tmp_path / "hub2.sqlite3",
            {TOKEN: STATION},
            sock=sock,
            authorities={"kcs": authority.url},
        ):
            second = service.check_text(url_of(VALID), scan_id=parcel)
        assert second.status is CertificateStatus.VALID and second.source is VerdictSource.ONLINE
        statuses = [c.status for c in service.checks_for(parcel)]
        assert statuses == [CertificateStatus.COULD_NOT_VERIFY_NOW, CertificateStatus.VALID]
    finally:
        service.close()
        sock.close()


def test_station_without_central_leaves_url_certificates_unverified(
    database: Database, repo: ScanRepository, make_config: ConfigFactory, parcel: str
) -> None:
    service = make_service(database, repo, make_config, None)
    try:
        check = service.check_text(url_of(VALID), scan_id=parcel)
    finally:
        service.close()
    assert check.status is CertificateStatus.UNVERIFIED
    assert "no central" in check.reasons[0]


def test_authority_down_or_unknown_to_central(
    tmp_path: Path,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
) -> None:
    dead = bind_loopback()
    hub = HubServer(
        tmp_path / "hub.sqlite3",
        {TOKEN: STATION},
        authorities={"kcs": f"http://127.0.0.1:{dead.getsockname()[1]}"},
    )
    with hub:
        service = make_service(database, repo, make_config, hub.url)
        try:
            down = service.check_text(url_of(VALID), scan_id=parcel)
            kcci = DEFAULT_AUTHORITIES[1]
            unknown = service.check_text(
                demo.demo_url_payload(kcci, "KCCI20250001", "CODE1234"), scan_id=parcel
            )
        finally:
            service.close()
    dead.close()
    _never_valid(down.status, down.reasons, "issuing authority did not answer")
    assert unknown.status is CertificateStatus.UNVERIFIED
    assert "no connection to Korea Chamber" in unknown.reasons[0]


@pytest.mark.parametrize(
    ("fault", "needle"),
    [
        (Fault(kind="malformed", path_prefix="/v1/certificates"), "malformed JSON"),
        (Fault(kind="wrong_schema", path_prefix="/v1/certificates"), "unexpected answer"),
        (Fault(kind="status", status=503, path_prefix="/v1/certificates"), "503"),
    ],
    ids=["broken-json", "wrong-schema", "503"],
)
def test_broken_answers_from_central_are_clear_and_never_valid(
    relay_hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
    fault: Fault,
    needle: str,
) -> None:
    relay_hub.faults.inject(fault)
    service = make_service(database, repo, make_config, relay_hub.url)
    try:
        check = service.check_text(url_of(VALID), scan_id=parcel)
    finally:
        service.close()
    _never_valid(check.status, check.reasons, "could not verify now", needle)


def test_unreadable_authority_answer_is_not_valid(
    relay_hub: HubServer,
    authority: AuthorityServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
) -> None:
    authority.authority.broken_answers = 1
    service = make_service(database, repo, make_config, relay_hub.url)
    try:
        check = service.check_text(url_of(VALID), scan_id=parcel)
    finally:
        service.close()
    _never_valid(check.status, check.reasons, "issuing authority did not answer", "unreadable")


def test_hanging_central_is_cut_at_the_online_timeout(
    relay_hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
) -> None:
    relay_hub.faults.inject(Fault(kind="sleep", seconds=5.0, path_prefix="/v1/certificates"))
    service = make_service(database, repo, make_config, relay_hub.url, online_timeout_s=0.5)
    started = time.monotonic()
    try:
        check = service.check_text(url_of(VALID), scan_id=parcel)
    finally:
        service.close()
    assert time.monotonic() - started < 3.0
    _never_valid(check.status, check.reasons, "did not answer in time")


def _deliver(database: Database, client: CentralClient) -> None:
    rows = OutboxRepository(database).pending()
    outcomes = client.send_results(
        [
            ResultItem(idempotency_key=r.idempotency_key, topic=r.topic, payload=dict(r.payload))
            for r in rows
        ]
    )
    assert {o.outcome for o in outcomes.values()} == {"applied"}, outcomes


def test_reuse_across_the_centre_is_flagged_through_the_relay(
    tmp_path: Path,
    relay_hub: HubServer,
    database: Database,
    repo: ScanRepository,
    make_config: ConfigFactory,
    parcel: str,
) -> None:
    # Station 1 checks the certificate on its parcel and delivers the event to central.
    first = make_service(database, repo, make_config, relay_hub.url)
    try:
        assert first.check_text(url_of(VALID), scan_id=parcel).status is CertificateStatus.VALID
    finally:
        first.close()
    config_1 = make_config(relay_hub.url)
    client = CentralClient(config_1.sync, STATION)
    try:
        _deliver(database, client)
    finally:
        client.close()
    assert [r.topic for r in relay_hub.store.applied_results()].count("certificate.verified") == 1

    # Station 2: another database, the same certificate, another consignee, more routers.
    from station_app.storage import open_database

    db_2 = open_database(f"sqlite:///{tmp_path / 'station2.sqlite3'}")
    try:
        repo_2 = ScanRepository(db_2, ImageStore(tmp_path / "images2"), STATION_2)
        repo_2.save_parcel(tiny_parcel("S2-000001"))
        ManifestRepository(db_2).save(
            manifest_for_claims(addressee="Someone Else AG", routers=30), source="test"
        )
        config_2 = make_config(relay_hub.url, token=TOKEN_2).model_copy(
            update={"station_id": STATION_2}
        )
        second = build_certificate_service(config_2, db_2, repo_2, lambda: None)
        try:
            check = second.check_text(url_of(VALID), scan_id="S2-000001")
        finally:
            second.close()
    finally:
        db_2.close()
    assert check.status is CertificateStatus.VALID  # genuine, but presented twice
    kinds = {m.kind for m in check.mismatches}
    assert MismatchKind.REUSED_IMPORTER in kinds
    assert MismatchKind.REUSED_QUANTITY in kinds  # 100 + 30 routers of 120 certified
    text = " ".join(m.explanation for m in check.mismatches)
    assert f"at {STATION}" in text and "130" in text
    assert check.triage is not None and check.triage.level is TriageLevel.AMBER


def test_hub_refuses_malformed_certificate_events(relay_hub: HubServer) -> None:
    problem = payload_problem(
        "certificate.verified",
        {
            "station_id": STATION,
            "scan_id": "S-1",
            "verdict_id": 1,
            "kind": "signed",
            "status": "valid-ish",
            "source": "offline",
            "reasons": [],
            "checked_at": "2025-01-01T00:00:00Z",
        },
    )
    assert problem is not None and "status" in problem
