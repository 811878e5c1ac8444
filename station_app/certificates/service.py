"""Checking the certificates presented with a parcel: the station's one entry point.

``CertificateService.check_text`` takes a barcode's text (document camera or
handheld scanner) and a scan id and returns a stored ``CertificateCheck``:

1. the verdict — offline for a signed payload (the trust list in force), or
   online for a verification URL (a cached definite answer younger than
   ``online_cache_hours``, else central's relay);
2. cross-checks against the parcel (``crosscheck``) and the other parcels the
   certificate number was presented on, here and — with central — elsewhere;
3. the parcel's triage raised by every finding (``Triage.raise_by``);
4. stored with its "certificate.verified" event (``storage.certificates``).

The network part may take up to the online timeout, so the GUI uses
``submit``: one worker thread runs the checks (it also owns the HTTP client)
and a ``Future`` carries the result or the error back.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station_app import core_texts as texts
from station_app.certificates.barcodes import (
    BarcodeConfig,
    BarcodeError,
    ImageCodeReader,
    parse_scanner_text,
)
from station_app.certificates.claims import CooClaims
from station_app.certificates.crosscheck import (
    consumed_quantities,
    cross_check,
    reuse_findings,
)
from station_app.certificates.online import (
    OnlineAnswer,
    OnlineVerifier,
    RelayFactory,
    central_relay_factory,
)
from station_app.certificates.payload import ECOO_PREFIX
from station_app.certificates.records import (
    CertificateCheck,
    CertificateKind,
    CertificateMismatch,
    CertificateStatus,
    CertificateUse,
    MismatchKind,
    VerdictSource,
)
from station_app.certificates.trust import TrustList
from station_app.certificates.url_payload import (
    AuthorityRegistry,
    UrlPayload,
    UrlPayloadError,
    is_url_payload,
    parse_url_payload,
)
from station_app.certificates.verify import VerdictStatus, verify
from station_app.config import CertificatesConfig, StationConfig
from station_app.detection.triage import Triage
from station_app.errors import StationError
from station_app.manifests.model import Manifest
from station_app.storage.certificates import CertificateVerdictRepository
from station_app.storage.db import Database
from station_app.storage.manifests import ManifestRepository
from station_app.storage.repository import ScanRecord, ScanRepository

log = logging.getLogger(__name__)

TRIAGE_LABEL = texts.CERTIFICATE_LABEL.render()
# A status finding per status that is not VALID: (without a reason, with the first reason).
_STATUS_TEXTS: dict[CertificateStatus, tuple[texts.CoreText, texts.CoreText]] = {
    CertificateStatus.INVALID: (texts.STATUS_INVALID, texts.STATUS_INVALID_BECAUSE),
    CertificateStatus.REVOKED: (texts.STATUS_REVOKED, texts.STATUS_REVOKED_BECAUSE),
    CertificateStatus.UNVERIFIED: (texts.STATUS_UNVERIFIED, texts.STATUS_UNVERIFIED_BECAUSE),
    CertificateStatus.COULD_NOT_VERIFY_NOW: (
        texts.STATUS_NOT_VERIFIED_YET,
        texts.STATUS_NOT_VERIFIED_YET_BECAUSE,
    ),
}


class CertificateInputError(StationError):
    """A presented document could not be read (no barcode, unreadable image, unknown scan)."""


@dataclass(frozen=True)
class _Verdict:
    """What the first step found, before the parcel is looked at."""

    kind: CertificateKind
    status: CertificateStatus
    reasons: tuple[str, ...]
    source: VerdictSource
    checked_at: datetime
    claims: CooClaims | None = None
    url: UrlPayload | None = None
    reference_digest: str | None = None
    central_uses: tuple[CertificateUse, ...] | None = None  # None: central was not asked


def reference_digest(payload: UrlPayload) -> str:
    """Cache key of a verification URL; hashed so the reference code is never stored."""
    text = f"{payload.authority.id}\n{payload.reference_number}\n{payload.reference_code}"
    return hashlib.sha256(text.encode()).hexdigest()


def looks_like_certificate(text: str) -> bool:
    return text.startswith(ECOO_PREFIX) or is_url_payload(text)


class CertificateService:
    def __init__(
        self,
        *,
        repository: CertificateVerdictRepository,
        trust: Callable[[], TrustList | None],
        registry: AuthorityRegistry,
        relay_factory: RelayFactory | None,
        scan_lookup: Callable[[str], ScanRecord | None],
        manifest_lookup: Callable[[str], Manifest | None],
        triage: Triage,
        config: CertificatesConfig,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self._trust = trust
        self._registry = registry
        self._online = OnlineVerifier(relay_factory)
        self._scan_lookup = scan_lookup
        self._manifest_lookup = manifest_lookup
        self._triage = triage
        self._config = config
        self._clock = clock
        self._reader: ImageCodeReader | None = None
        self._executor: ThreadPoolExecutor | None = None

    # ------------------------------------------------------------ entry points

    def check_text(self, text: str, *, scan_id: str | None = None) -> CertificateCheck:
        """Verify one barcode text, cross-check it with the parcel and store it.

        Blocks up to the online timeout for a verification URL. Raises
        ``CertificateInputError`` for an unknown scan id and ``StorageError`` when
        the result cannot be stored; every problem of the certificate itself is
        in the returned check.
        """
        scan = None
        if scan_id is not None:
            scan = self._scan_lookup(scan_id)
            if scan is None:
                raise CertificateInputError(f"no scan {scan_id!r}: certificate not checked")
        verdict = self._verdict(text.strip(), scan)
        check = self._with_parcel(verdict, scan)
        if scan is None:
            return check
        return self.repository.save(check, reference_digest=verdict.reference_digest)

    def check_scanner_text(self, raw: str | bytes, *, scan_id: str | None) -> CertificateCheck:
        """What a handheld scanner typed or sent (AIM prefix, CR/LF handled)."""
        try:
            code = parse_scanner_text(raw)
        except BarcodeError as exc:
            raise CertificateInputError(f"scanner input unreadable: {exc}") from exc
        return self.check_text(code.text, scan_id=scan_id)

    def check_image(self, path: Path, *, scan_id: str | None) -> tuple[CertificateCheck, ...]:
        """Every e-COO barcode in a document-camera image file."""
        if self._reader is None:
            backend = "zbar" if self._config.barcode_backend == "zbar" else "zxing-cpp"
            self._reader = ImageCodeReader(BarcodeConfig(backend=backend))
        try:
            codes = self._reader.read_image(path)
        except BarcodeError as exc:
            raise CertificateInputError(f"{path.name}: {exc}") from exc
        texts = [code.text for code in codes if looks_like_certificate(code.text.strip())]
        if not texts:
            found = f"{len(codes)} other barcode(s)" if codes else "no barcode"
            raise CertificateInputError(f"{path.name}: {found}, no e-COO certificate")
        return tuple(self.check_text(text, scan_id=scan_id) for text in texts)

    def submit(
        self, source: str | Path, *, scan_id: str | None
    ) -> Future[tuple[CertificateCheck, ...]]:
        """Run ``check_image`` (a Path) or ``check_scanner_text`` (a str) on the worker thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="certificates")
        if isinstance(source, Path):
            return self._executor.submit(self.check_image, source, scan_id=scan_id)
        return self._executor.submit(lambda: (self.check_scanner_text(source, scan_id=scan_id),))

    def checks_for(self, scan_id: str) -> tuple[CertificateCheck, ...]:
        return self.repository.for_scan(scan_id)

    def close(self) -> None:
        """Wait for a running check (bounded by the online timeout), then release."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._online.close()

    # ------------------------------------------------------------ step 1: verdict

    def _verdict(self, text: str, scan: ScanRecord | None) -> _Verdict:
        now = self._clock()
        if is_url_payload(text):
            try:
                url = parse_url_payload(text, self._registry)
            except UrlPayloadError as exc:
                return _Verdict(
                    CertificateKind.URL,
                    CertificateStatus.INVALID,
                    (str(exc),),
                    VerdictSource.OFFLINE,
                    now,
                )
            return self._url_verdict(url, scan, now)
        trust = self._trust()
        offline = verify(text, trust=trust, now=now)
        status = {
            VerdictStatus.VALID: CertificateStatus.VALID,
            VerdictStatus.INVALID: CertificateStatus.INVALID,
            VerdictStatus.UNVERIFIED: CertificateStatus.UNVERIFIED,
        }[offline.status]
        claims = offline.claims
        if (
            status is CertificateStatus.INVALID
            and claims is not None
            and trust is not None
            and trust.is_revoked(claims.certificate_number)
        ):
            status = CertificateStatus.REVOKED
        return _Verdict(
            CertificateKind.SIGNED, status, offline.reasons, VerdictSource.OFFLINE, now, claims
        )

    def _url_verdict(self, url: UrlPayload, scan: ScanRecord | None, now: datetime) -> _Verdict:
        digest = reference_digest(url)
        hours = self._config.online_cache_hours
        if hours > 0:
            cached = self.repository.cached_online(digest, now - timedelta(hours=hours))
            if cached is not None:
                age_min = (now - cached.checked_at).total_seconds() / 60
                return _Verdict(
                    CertificateKind.URL,
                    cached.status,
                    (
                        *cached.reasons,
                        texts.CACHED_ANSWER.render(
                            authority=url.authority.name, minutes=f"{age_min:.0f}"
                        ),
                    ),
                    VerdictSource.CACHE,
                    now,
                    cached.claims,
                    url,
                    digest,
                )
        answer: OnlineAnswer = self._online.verify_url(
            url,
            scan_id=None if scan is None else scan.scan_id,
            tracking_id=None if scan is None else scan.tracking_id,
        )
        asked = (
            answer.status is not CertificateStatus.COULD_NOT_VERIFY_NOW and self._online.connected
        )
        return _Verdict(
            CertificateKind.URL,
            answer.status,
            answer.reasons,
            answer.source,
            answer.checked_at,
            answer.claims,
            url,
            digest,
            answer.uses if asked and answer.claims is not None else None,
        )

    # ------------------------------------------------------------ step 2-3: parcel

    def _with_parcel(self, verdict: _Verdict, scan: ScanRecord | None) -> CertificateCheck:
        claims = verdict.claims
        reasons = list(verdict.reasons)
        mismatches: list[CertificateMismatch] = []
        manifest: Manifest | None = None
        consumed: dict[str, float] = {}
        if scan is not None and claims is not None:
            if scan.tracking_id:
                manifest = self._manifest_lookup(scan.tracking_id)
            if manifest is None:
                reasons.append(texts.NO_MANIFEST.render())
            mismatches.extend(cross_check(claims, manifest, parcel_date=scan.started_at))
            consumed = consumed_quantities(claims, manifest)
            if verdict.status is not CertificateStatus.INVALID:
                uses, problem = self._other_uses(claims, scan, verdict)
                if problem:
                    reasons.append(problem)
                mismatches.extend(
                    reuse_findings(
                        claims,
                        consumed=consumed,
                        importer=None if manifest is None else manifest.addressee.name,
                        uses=uses,
                    )
                )
        check = CertificateCheck(
            kind=verdict.kind,
            status=verdict.status,
            reasons=tuple(reasons),
            source=verdict.source,
            checked_at=verdict.checked_at,
            claims=claims,
            authority=None if verdict.url is None else verdict.url.authority.id,
            reference_number=None if verdict.url is None else verdict.url.reference_number,
            mismatches=tuple(mismatches),
            scan_id=None if scan is None else scan.scan_id,
            tracking_id=None if scan is None else scan.tracking_id,
            importer=None if manifest is None else manifest.addressee.name,
            consumed=consumed,
        )
        if scan is None:
            return check
        findings = [*status_findings(check), *check.mismatches]
        return replace(
            check, triage=self._triage.raise_by(scan.triage, findings, label=TRIAGE_LABEL)
        )

    def _other_uses(
        self, claims: CooClaims, scan: ScanRecord, verdict: _Verdict
    ) -> tuple[list[CertificateUse], str | None]:
        """Uses here and (when central could be asked) elsewhere, one per parcel."""
        number = claims.certificate_number
        local = self.repository.uses(number, exclude_scan=scan.scan_id)
        central: Sequence[CertificateUse]
        problem = None
        if verdict.central_uses is not None:
            central = verdict.central_uses
        else:
            central, problem = self._online.uses(number, exclude_scan=scan.scan_id)
        merged = {(use.station_id, use.scan_id): use for use in central}
        merged.update({(use.station_id, use.scan_id): use for use in local})
        merged.pop((self.repository.station_id, scan.scan_id), None)
        return sorted(merged.values(), key=lambda use: use.checked_at), problem


def status_findings(check: CertificateCheck) -> tuple[CertificateMismatch, ...]:
    """A certificate that is not VALID is itself a reason for a closer look."""
    status_texts = _STATUS_TEXTS.get(check.status)
    if status_texts is None:
        return ()
    number = check.certificate_number or check.reference_number or "presented"
    without_reason, with_reason = status_texts
    if check.reasons:
        explanation = with_reason.render(number=number, reason=check.reasons[0])
    else:
        explanation = without_reason.render(number=number)
    return (CertificateMismatch(MismatchKind.STATUS, "amber", explanation),)


def build_certificate_service(
    config: StationConfig,
    database: Database,
    scans: ScanRepository,
    trust: Callable[[], TrustList | None],
) -> CertificateService:
    """The station's service: its database, trust list, authorities and central."""
    return CertificateService(
        repository=CertificateVerdictRepository(database, config.station_id),
        trust=trust,
        registry=AuthorityRegistry(config.certificates.authorities),
        relay_factory=central_relay_factory(config),
        scan_lookup=scans.get_scan,
        manifest_lookup=ManifestRepository(database).manifest_for,
        triage=Triage(config.triage),
        config=config.certificates,
    )
