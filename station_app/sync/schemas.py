"""Wire schemas of the station ↔ central API (docs/api/openapi.yaml), shared by both ends.

The station parses every answer from central through these models (JSON from
central is external input), and the reference hub validates every request with
the same models, so the two ends cannot drift apart silently.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from station_app.marks import check_marks, marks_to_list

API_VERSION = "v1"
MAX_BATCH_ITEMS = 500
TOPIC_SCAN_PROCESSED = "scan.processed"
TOPIC_SCAN_DECIDED = "scan.decided"

Key = Annotated[str, Field(min_length=1, max_length=256)]
ShortText = Annotated[str, Field(max_length=200)]
Outcome = Literal["applied", "duplicate", "rejected"]


class _Wire(BaseModel):
    # Answers may grow new fields (older stations must keep working), requests
    # are checked by the hub's own models below.
    model_config = ConfigDict(extra="ignore", frozen=True)


# ---------------------------------------------------------------- results


class ResultItem(_Wire):
    """One outbox row as sent: the key makes a re-send harmless."""

    idempotency_key: Key
    topic: ShortText
    payload: dict[str, Any]


class ResultsBatchRequest(_Wire):
    items: list[ResultItem] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class ItemResult(_Wire):
    idempotency_key: Key
    outcome: Outcome
    reason: str | None = None  # set for "rejected": why, in one line


class ResultsBatchResponse(_Wire):
    results: list[ItemResult]


class _Triage(BaseModel):
    level: Literal["green", "amber", "red"]
    reasons: list[str]
    risk_score: float | None = None


class _DetectionWire(BaseModel):
    class_name: ShortText
    confidence: Annotated[float, Field(ge=0, le=1)]
    box: Annotated[list[int], Field(min_length=4, max_length=4)]  # line0, px0, line1, px1


class ScanProcessedPayload(BaseModel):
    """Payload of "scan.processed" (``ScanRepository._processed_event``)."""

    model_config = ConfigDict(extra="allow")  # a newer station may add fields

    station_id: ShortText
    scan_id: ShortText
    tracking_id: ShortText | None = None
    triage: _Triage
    alarm_kinds: list[str]
    detections: list[_DetectionWire] = Field(default_factory=list)  # older stations send none
    image_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ScanDecidedPayload(BaseModel):
    """Payload of "scan.decided" (``ScanRepository.record_decision``)."""

    model_config = ConfigDict(extra="allow")

    station_id: ShortText
    scan_id: ShortText
    tracking_id: ShortText | None = None
    decision_id: int
    verdict: Literal["clear", "open", "hold"]
    operator: ShortText
    decided_at: datetime
    comment: str | None = None
    decision_time_ms: float | None = None
    # A supervisor's review names the decision it confirms or overrides.
    kind: Literal["inspection", "review"] = "inspection"
    reviewed_decision_id: int | None = None
    # Where the inspector pointed: [line0, px0, line1, px1] boxes in parcel pixels, in
    # the order drawn (``station_app.marks``); older stations send none.
    marks: list[list[int]] = Field(default_factory=list)

    @field_validator("marks", mode="before")
    @classmethod
    def _marks_are_boxes(cls, value: Any) -> list[list[int]]:
        # Before pydantic's own coercion: 1.0 or "3" or true are not pixel coordinates.
        if not isinstance(value, list):
            raise ValueError("marks must be a list of [line0, px0, line1, px1] boxes")
        return marks_to_list(check_marks(value))


TOPIC_CERTIFICATE_VERIFIED = "certificate.verified"
CertificateStatusText = Literal["valid", "invalid", "revoked", "unverified", "could_not_verify_now"]
HsQuantities = dict[Annotated[str, Field(pattern=r"^[0-9]{6}$")], Annotated[float, Field(ge=0)]]


class _CertificateFinding(BaseModel):
    kind: ShortText
    severity: Literal["amber", "red"]
    explanation: Annotated[str, Field(max_length=2000)]


class CertificateVerifiedPayload(BaseModel):
    """Payload of "certificate.verified" (``storage.certificates.CertificateVerdictRepository``)."""

    model_config = ConfigDict(extra="allow")

    station_id: ShortText
    scan_id: ShortText
    tracking_id: ShortText | None = None
    verdict_id: int
    kind: Literal["signed", "url"]
    status: CertificateStatusText
    source: Literal["offline", "online", "cache"]
    certificate_number: Annotated[str, Field(max_length=40)] | None = None
    authority: ShortText | None = None
    reasons: list[str]
    mismatches: list[_CertificateFinding] = Field(default_factory=list)
    importer: ShortText | None = None  # the parcel's consignee, as the manifest names it
    consumed: HsQuantities = Field(default_factory=dict)  # HS6 → quantity this parcel draws
    checked_at: datetime
    triage: _Triage | None = None


TOPIC_PARCEL_CHECKED = "parcel.checked"


class ParcelCheckedPayload(BaseModel):
    """Payload of "parcel.checked" (``storage.checks.CheckRepository.record``): what
    opening a flagged parcel found. A correction names the result it replaces."""

    model_config = ConfigDict(extra="allow")

    station_id: ShortText
    scan_id: ShortText
    tracking_id: ShortText | None = None
    check_id: Annotated[int, Field(ge=1)]
    decision_id: Annotated[int, Field(ge=1)]
    outcome: Literal["nothing_found", "prohibited_item", "undeclared_goods", "other"]
    note: Annotated[str, Field(max_length=2000)] = ""
    operator: ShortText
    checked_at: datetime
    corrects_check_id: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _other_says_what(self) -> ParcelCheckedPayload:
        if self.outcome == "other" and not self.note.strip():
            raise ValueError("outcome 'other' needs a note")
        return self


PAYLOAD_MODELS: dict[str, type[BaseModel]] = {
    TOPIC_SCAN_PROCESSED: ScanProcessedPayload,
    TOPIC_SCAN_DECIDED: ScanDecidedPayload,
    TOPIC_CERTIFICATE_VERIFIED: CertificateVerifiedPayload,
    TOPIC_PARCEL_CHECKED: ParcelCheckedPayload,
}


def payload_problem(topic: str, payload: dict[str, Any]) -> str | None:
    """Why central would refuse this payload, in one line, or None when it is fine."""
    model = PAYLOAD_MODELS.get(topic)
    if model is None:
        return f"unknown topic {topic!r}"
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        return f"{topic} payload: {where}: {first['msg']} ({exc.error_count()} problem(s))"
    return None


# ---------------------------------------------------------------- health, heartbeat


class HealthResponse(_Wire):
    status: Literal["ok", "degraded"]
    api_version: str = API_VERSION
    server_time: datetime


class HeartbeatRequest(_Wire):
    sent_at: datetime
    software_version: ShortText
    sync_state: Literal["online", "offline", "degraded"]
    outbox_depth: int = Field(ge=0)
    oldest_unsent_age_s: float | None = None


class HeartbeatResponse(_Wire):
    server_time: datetime


# ---------------------------------------------------------------- manifests


class ManifestEntry(_Wire):
    """A parcel manifest as central holds it; ``manifest`` follows docs/manifest.schema.json."""

    tracking_id: ShortText
    manifest: dict[str, Any]
    updated_at: datetime


class ManifestPage(_Wire):
    items: list[ManifestEntry]
    # Opaque: pass it back as ``since``. Unchanged when nothing new arrived.
    next_cursor: str
    has_more: bool


class ErrorResponse(_Wire):
    detail: str


# ---------------------------------------------------------------- certificates


class CertificateVerifyRequest(_Wire):
    """Ask central to verify a verification-URL e-COO with its issuing authority."""

    authority: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]  # registry id, e.g. "kcs"
    reference_number: Annotated[str, Field(min_length=1, max_length=100)]
    reference_code: Annotated[str, Field(min_length=1, max_length=100)]
    scan_id: ShortText | None = None
    tracking_id: ShortText | None = None


class CertificateUse(_Wire):
    """One parcel a certificate was presented on (from "certificate.verified" events)."""

    station_id: ShortText
    scan_id: ShortText
    tracking_id: ShortText | None = None
    importer: ShortText | None = None
    consumed: HsQuantities = Field(default_factory=dict)
    checked_at: datetime


class CertificateVerifyResponse(_Wire):
    """The authority's answer as central relays it.

    ``certificate`` is the claim set in the JSON form of docs/certificates.md
    (``certificates.claims_json``), present when the authority disclosed it;
    ``uses`` are the other parcels, at any station, this certificate number was
    presented on.
    """

    status: Literal["valid", "invalid", "revoked", "unknown"]
    authority: ShortText
    reasons: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list)
    certificate: dict[str, Any] | None = None
    checked_at: datetime
    uses: list[CertificateUse] = Field(default_factory=list)


class CertificateUsesResponse(_Wire):
    certificate_number: ShortText
    uses: list[CertificateUse]
