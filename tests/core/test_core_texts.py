"""The core's English texts as templates: render, parse back, localise.

Two halves, each able to fail on its own:

- the catalogue: every template renders and parses back to itself and the same
  parameters (so no template hides another), bad templates and bad parameters
  are refused, text of no template (an older version's wording) parses to None,
  and ``localise`` translates nested core texts and keeps free text;
- the core's real output: alarm rules on synthetic material images, triage,
  manifest matching, certificate verification, cross-checks, online answers,
  status findings, the calibration wizard and the image-quality test (on the
  simulator) are run as their own tests run them, and every text they produce
  parses (a text that does not would be shown in English).
"""

from __future__ import annotations

import re
import shutil
import socket
import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

# The pipeline's own test rig (a simulator behind a link that fails on demand).
from test_pipeline import FaultyLink, _pipeline, _scanner, station_parts  # noqa: F401

from drivers.simulator.scanner import SimulatedScanner
from station_app import core_texts
from station_app.certificates import demo
from station_app.certificates.crosscheck import cross_check, reuse_findings
from station_app.certificates.online import OnlineVerifier, central_relay_factory
from station_app.certificates.records import (
    CertificateCheck,
    CertificateKind,
    CertificateStatus,
    CertificateUse,
    VerdictSource,
)
from station_app.certificates.service import TRIAGE_LABEL, status_findings
from station_app.certificates.trust import TrustList, parse_trust_list
from station_app.certificates.url_payload import (
    DEFAULT_AUTHORITIES,
    AuthorityRegistry,
    parse_url_payload,
)
from station_app.certificates.verify import verify
from station_app.config import (
    AlarmConfig,
    DetectorConfig,
    DriverConfig,
    MatchingConfig,
    MaterialsConfig,
    StationConfig,
    SyncConfig,
    TriageConfig,
)
from station_app.core_texts import CATALOGUE, CoreText, localise, parse
from station_app.detection.alarms import AlarmRules
from station_app.detection.detector import load_detector, shipped_model_dir
from station_app.detection.model_store import ModelStore, load_station_detector
from station_app.detection.triage import Triage
from station_app.domain import Alarm, BoxPx, Detection, MaterialClass, MaterialImage
from station_app.imaging.iq_test import IqReport, IqTestResult, load_iq_piece
from station_app.manifests.hs_classes import load_hs_table
from station_app.manifests.matching import match
from station_app.manifests.model import Category, ContentLine, Manifest, ManifestKind, Party
from station_app.storage import Database, ScanRepository, open_database
from station_app.sync.schemas import CertificateVerifyResponse
from station_app.technician.calibration_wizard import (
    CalibrationWizard,
    StepName,
    StepStatus,
    WizardLimits,
)

# Parameters that are numbers where they are made; the others get text with the
# characters free text brings (spaces, quotes, parentheses, colons, Hangul).
NUMERIC = {
    "count", "declared", "certified", "total", "score", "line", "line0", "line1", "px0", "px1",
    "cells", "length", "expected", "minutes", "quantity", "length_mm", "width_mm", "long_mm",
    "short_mm", "zeff", "declared_usd", "needed_usd", "value", "limit", "achieved", "required",
    "thickness_mm", "bar_mm",
}
# Ids and class names as they are made: no spaces before a "(" that follows them.
SAMPLES = {
    "level": "AMBER", "label": "Manifest discrepancy", "confidence": "82%",
    "hs_code": "850760", "error_type": "ValueError", "item": "kitchen knife",
    "scan_id": "S-2024-0003", "requested": "CUDA", "provider": "CPU",
    "relation": "≥", "runs": "across", "note": "thinnest organic strip visible", "step": "dark",
    "status": "done", "title": "Wire display", "what": "scan",
}


def sample_params(text: CoreText) -> dict[str, str]:
    params = {}
    for index, name in enumerate(text.fields):
        if name in SAMPLES:
            params[name] = SAMPLES[name]
        elif name in NUMERIC:
            params[name] = f"{index + 2}.5"
        else:
            params[name] = f"'Ä {name}' (x: 1, 검사)"
    return params


@pytest.mark.parametrize("text", CATALOGUE, ids=lambda t: t.key)
def test_every_template_renders_and_parses_back_to_itself(text: CoreText) -> None:
    params = sample_params(text)
    rendered = text.render(**params)
    assert "{" not in rendered
    parsed = parse(rendered)
    assert parsed is not None, rendered
    assert parsed.text is text, f"{rendered!r} taken by {parsed.text.key}"
    assert dict(parsed.params) == params


def test_catalogue_is_large_and_keys_unique() -> None:
    assert len(CATALOGUE) >= 70
    assert len({t.key for t in CATALOGUE}) == len(CATALOGUE)
    assert core_texts.BY_KEY["alarm.dense_object"] is core_texts.DENSE_OBJECT
    # Templates use bare names only: a translation gets the parameters as they are.
    for text in CATALOGUE:
        for _, name, spec, conversion in string.Formatter().parse(text.template):
            assert not spec and not conversion, (text.key, name)


def test_render_refuses_missing_unknown_and_unformatted_parameters() -> None:
    with pytest.raises(ValueError, match=r"missing parameters \['width_mm'\]"):
        core_texts.DENSE_OBJECT.render(length_mm="84")
    with pytest.raises(ValueError, match=r"unknown \['depth_mm'\]"):
        core_texts.DENSE_OBJECT.render(length_mm="84", width_mm="40", depth_mm="1")
    with pytest.raises(TypeError, match="formatted to str"):
        core_texts.DENSE_OBJECT.render(length_mm=84, width_mm="40")  # type: ignore[arg-type]


def test_bad_templates_are_refused() -> None:
    with pytest.raises(ValueError, match="bare name"):
        CoreText("test.spec", "score {score:.2f}")
    with pytest.raises(ValueError, match="bare name"):
        CoreText("test.positional", "score {0}")
    with pytest.raises(ValueError, match="not fields"):
        CoreText("test.nested", "about {thing}", frozenset({"other"}))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Dense object of 7300 mm² hides what is behind it",  # an older version's wording
        "Dense object 84 × 40 mm: X-rays cannot see through it!",  # anchored at the end
        "dense object 84 × 40 mm: X-rays cannot see through it",  # and case-sensitive
        "PURPLE: no alarm, detection or discrepancy needs a look",  # level is one of three
        "Customs: Certificate KCS-1 is not valid.",  # label is one of two
        "KCS: the certificate was cancelled on 2025-03-01",  # an authority's own words
    ],
)
def test_text_of_no_template_parses_to_none(text: str) -> None:
    assert parse(text) is None


def test_parse_reads_nested_texts_and_the_same_parameter_twice() -> None:
    explanation = core_texts.DENSE_OBJECT.render(length_mm="84", width_mm="40")
    reason = core_texts.ALARM_REASON.render(explanation=explanation, rule="dense_object",
                                            score="0.83")
    text = core_texts.TRIAGE_REASON.render(level="RED", reason=reason)
    assert text == ("RED: Dense object 84 × 40 mm: X-rays cannot see through it "
                    "(rule dense_object, score 0.83)")
    parsed = parse(text)
    assert parsed is not None and parsed.text is core_texts.TRIAGE_REASON
    inner = parse(parsed.params["reason"])
    assert inner is not None and inner.text is core_texts.ALARM_REASON
    assert inner.params["explanation"] == explanation
    # The unit appears after both amounts and must be the same both times.
    assert parse("Declared 41 pcs under HS 850760 but the certificate covers only 40 kg.") is None


def _pseudo_korean(text: CoreText) -> str:
    """A stand-in catalogue: each template's words replaced, its fields kept."""
    fields = " ".join(f"{{{name}}}" for name in text.fields)
    return f"<{text.key}> {fields}".rstrip()


def test_localise_translates_nested_texts_and_keeps_free_text() -> None:
    error = "KeyError: 'x' (model {broken})"  # free text, with braces
    text = core_texts.TRIAGE_REASON.render(
        level="AMBER", reason=core_texts.DETECTOR_DID_NOT_RUN.render(error=error)
    )
    assert localise(text, _pseudo_korean) == (
        f"<triage.reason> AMBER <triage.detector_did_not_run> {error}"
    )
    finding = core_texts.DISCREPANCY_REASON.render(
        label=core_texts.CERTIFICATE_LABEL.render(),
        explanation=core_texts.STATUS_INVALID_BECAUSE.render(
            number="KCS-1", reason="COSE signature does not verify"  # an exception's text
        ),
    )
    assert localise(finding, _pseudo_korean) == (
        "<triage.discrepancy> <triage.label.certificate> "
        "<certificate.status.invalid.reason> KCS-1 COSE signature does not verify"
    )
    assert localise("an older text", _pseudo_korean) == "an older text"
    # An older reason inside a triage level: the level's template, the reason as it is.
    assert localise("RED: rule alarm: dense_object", _pseudo_korean) == (
        "<triage.reason> RED rule alarm: dense_object"
    )


def test_a_translation_that_does_not_fit_falls_back_to_english() -> None:
    text = core_texts.DENSE_OBJECT.render(length_mm="84", width_mm="40")
    assert localise(text, lambda t: "{length_mm} × {height_mm}") == text
    assert localise(text, lambda t: "{0}") == text


# ---------------------------------------------------------------- the core's output


# Units that are symbols and stay as they are (a nested unit may be one): not core texts.
_SYMBOL_UNITS = {"AWG", "mm", "CNR", "A", ""}


def assert_core_text(text: str, key: str | None = None) -> None:
    """``text`` parses, and so does every nested core text inside it."""
    parsed = parse(text)
    assert parsed is not None, f"not a core text: {text!r}"
    if key is not None:
        assert parsed.text.key == key, (text, parsed.text.key)
    for name in parsed.text.nested:
        if not (name == "unit" and parsed.params[name] in _SYMBOL_UNITS):
            assert_core_text(parsed.params[name])


def material_image(boxes: list[tuple[int, int, int, int, float, float]]) -> MaterialImage:
    """Cardboard on air (1 mm pixels) with (line0, px0, line1, px1, A_high, Zeff) boxes,
    as ``tests/detection/test_alarms.py`` draws its scenes."""
    height, width = 320, 400
    rng = np.random.default_rng(0)
    a = np.zeros((height, width), np.float32)
    z = np.zeros((height, width), np.float32)
    a[10:-10, 10:-10], z[10:-10, 10:-10] = 0.08, 6.8
    for l0, p0, l1, p1, a_high, zeff in boxes:
        a[l0:l1, p0:p1], z[l0:l1, p0:p1] = a_high, zeff
    a = np.clip(a + rng.normal(0, 0.02, a.shape).astype(np.float32) * (a > 0), 0, None)
    z = z + rng.normal(0, 0.15, z.shape).astype(np.float32) * (z > 0)
    mat = MaterialsConfig()
    cls = np.full(a.shape, MaterialClass.ORGANIC, np.uint8)
    cls[z > mat.organic_max_zeff] = MaterialClass.INORGANIC
    cls[z > mat.inorganic_max_zeff] = MaterialClass.METAL
    cls[a < mat.air_max_attenuation] = MaterialClass.AIR
    cls[a >= mat.impenetrable_min_attenuation] = MaterialClass.IMPENETRABLE
    z[cls == MaterialClass.AIR] = 0
    return MaterialImage(a.astype(np.float32), (a * 1.4).astype(np.float32),
                         z.astype(np.float32), cls, 1.0, 1.0)


SCENES = {
    "alarm.dense_object": [(100, 50, 184, 90, 9.0, 26.0)],
    "alarm.organic_mass": [(60, 100, 220, 210, 0.6, 8.8)],
    "alarm.battery.cylindrical": [(100, 150, 165, 168, 1.8, 22.0)],
    "alarm.battery.pack": [(100, 100, 165, 154, 1.9, 22.0)],
    "alarm.battery.flat": [(100, 100, 170, 145, 0.7, 21.0)],
}


@pytest.fixture(scope="module")
def real_alarms() -> dict[str, Alarm]:
    rules = AlarmRules(AlarmConfig(), MaterialsConfig())
    found = {}
    for key, boxes in SCENES.items():
        alarms = rules.evaluate(material_image(boxes))
        assert len(alarms) == 1, (key, alarms)
        found[key] = alarms[0]
    return found


def test_every_rule_alarm_explanation_is_a_core_text(real_alarms: dict[str, Alarm]) -> None:
    for key, alarm in real_alarms.items():
        assert_core_text(alarm.explanation, key)
    assert real_alarms["alarm.dense_object"].explanation == (
        "Dense object 84 × 40 mm: X-rays cannot see through it"
    )


def _manifest(*lines: tuple[str, int, str, str]) -> Manifest:
    return Manifest(
        kind=ManifestKind.POSTAL,
        tracking_id="RR473124829GB",
        category=Category.SALE_OF_GOODS,
        sender=Party("Sender Name", "1 Road\nCity", "CN"),
        addressee=Party("Addressee", "2 Street\nSeoul", "KR"),
        lines=tuple(ContentLine(d, q, 100.0 * q, Decimal(v), "USD", hs) for d, q, hs, v in lines),
    )


def _det(name: str, count: int = 1) -> list[Detection]:
    return [Detection(name, 0.9, BoxPx(10, 20, 60, 90))] * count


def test_every_discrepancy_and_triage_reason_is_a_core_text(
    real_alarms: dict[str, Alarm],
) -> None:
    config, table = MatchingConfig(), load_hs_table()
    battery = real_alarms["alarm.battery.pack"]
    cases = [  # (manifest, detections, alarms, expected keys)
        (_manifest(("Toy car", 1, "950300", "12")), _det("handgun") + _det("scissors"), [],
         {"discrepancy.undeclared_item.restricted", "discrepancy.undeclared_item"}),
        (_manifest(("Smartphone", 1, "851713", "400")), _det("smartphone", 3), [],
         {"discrepancy.quantity_exceeded.one"}),
        (_manifest(("Smartphone", 2, "851713", "400")), _det("smartphone", 5), [],
         {"discrepancy.quantity_exceeded"}),
        (_manifest(("Socks", 3, "611595", "9"), ("Whisky 700 ml", 2, "220830", "60")), [], [],
         {"discrepancy.declared_not_seen"}),
        (_manifest(("Laptop computer", 1, "847130", "5.00")), _det("laptop"), [],
         {"discrepancy.value_implausible"}),
        (_manifest(("Cotton dress", 1, "620442", "35")), [], [battery],
         {"discrepancy.undeclared_lithium_battery.alarm"}),
        (_manifest(("Cotton dress", 1, "620442", "35")), _det("smartphone"), [battery],
         {"discrepancy.undeclared_lithium_battery.alarm_and_items", "discrepancy.undeclared_item"}),
        (_manifest(("Cotton dress", 1, "620442", "35")), _det("smartphone"), [],
         {"discrepancy.undeclared_lithium_battery.items", "discrepancy.undeclared_item"}),
    ]
    triage = Triage(TriageConfig())
    for manifest, detections, alarms, keys in cases:
        found = match(manifest, detections, alarms, config=config, table=table)
        parsed = [parse(d.explanation) for d in found]
        assert {p.text.key for p in parsed if p is not None} == keys, found
        assert None not in parsed
        result = triage.assess(alarms, detections, found, risk_score=None)
        for reason in result.reasons:
            assert_core_text(reason, "triage.reason")

    everything = triage.assess(
        list(real_alarms.values()),
        _det("knife") + _det("handgun"),
        match(_manifest(("Toy car", 1, "950300", "12")), _det("handgun"), [], config=config,
              table=table),
        risk_score=0.95,
        detector_error="model file missing (xcnet.onnx)",
    )
    keys = {parse(parse(r).params["reason"]).text.key for r in everything.reasons}  # type: ignore[union-attr]
    assert {"triage.alarm", "triage.detection", "triage.discrepancy", "triage.risk.high",
            "triage.detector_did_not_run"} <= keys
    for score, key in ((0.6, "triage.risk.elevated"), (0.1, "triage.risk.low")):
        result = triage.assess([], risk_score=score)
        assert {parse(parse(r).params["reason"]).text.key  # type: ignore[union-attr]
                for r in result.reasons} >= {key}
    quiet = triage.assess([])
    assert quiet.reasons == ("GREEN: no alarm, detection or discrepancy needs a look",)
    assert_core_text(quiet.reasons[0])
    raised = triage.raise_by(quiet, cross_check(CLAIMS, None, parcel_date=LATE),
                             label=TRIAGE_LABEL)
    assert raised.reasons and all(parse(r) is not None for r in raised.reasons)
    assert raised.reasons[0].startswith("AMBER: Certificate: Certificate KCS-2025-000123 expired")
    for reason in raised.reasons:
        assert_core_text(reason)


CLAIMS = demo.demo_claims(certificate_number="KCS-2025-000123")
LATE = CLAIMS.expires_at + timedelta(days=2)


def _certificate_manifest(**changes: object) -> Manifest:
    line = ContentLine
    manifest = Manifest(
        kind=ManifestKind.POSTAL,
        tracking_id="EE123456785KR",
        category=Category.SALE_OF_GOODS,
        sender=Party("Li Wei Trading", "88 Export Road\nShenzhen", "CN"),
        addressee=Party("Anna Muster", "Bahnhofstrasse 1\n8001 Zürich", "CH"),
        lines=(
            line("Battery packs", 41, 9000.0, Decimal("800"), "EUR", "8507600000", "KR"),
            line("Wi-Fi routers", 120, 30000.0, Decimal("2000"), "EUR", "851713", "CN"),
            line("Face cream", 10, 40000.0, Decimal("300"), "EUR", "330499", "CN"),
        ),
    )
    return replace(manifest, **changes)  # type: ignore[arg-type]


def test_every_certificate_finding_is_a_core_text() -> None:
    found = list(cross_check(CLAIMS, _certificate_manifest(), parcel_date=LATE))
    early = CLAIMS.issued_at - timedelta(days=1)
    found += cross_check(CLAIMS, _certificate_manifest(lines=(
        ContentLine("Socks", 3, 300.0, Decimal("9"), "EUR", None),
    )), parcel_date=early)
    uses = [CertificateUse("STATION-02", "A", "T-A", "Other Importer AG", {"850760": 30.0},
                           LATE), CertificateUse("STATION-03", "B", None, None, {}, LATE)]
    found += reuse_findings(CLAIMS, consumed={"850760": 20.0}, importer="Anna Muster",
                            uses=uses)
    found += reuse_findings(CLAIMS, consumed={"850760": 20.0}, importer=None, uses=uses[:1])
    no_unit = replace(CLAIMS, items=(replace(CLAIMS.items[0], unit=None),))
    found += cross_check(no_unit, _certificate_manifest(), parcel_date=LATE)
    found += reuse_findings(no_unit, consumed={"850760": 20.0}, importer=None, uses=uses[:1])
    keys = set()
    for mismatch in found:
        assert_core_text(mismatch.explanation)
        keys.add(parse(mismatch.explanation).text.key)  # type: ignore[union-attr]
    assert {
        "certificate.exporter", "certificate.importer", "certificate.hs_not_declared.heading",
        "certificate.origin", "certificate.quantity.unit", "certificate.quantity",
        "certificate.validity.expired", "certificate.validity.issued_after",
        "certificate.hs_uncheckable", "certificate.reused.importer", "certificate.reused",
        "certificate.reused.quantity.unit", "certificate.reused.quantity",
    } <= keys


def test_every_verdict_reason_and_status_finding_is_a_core_text() -> None:
    issuer = demo.make_demo_issuer()
    central_key = demo.make_demo_central_key()

    def trust(revoked: tuple[str, ...] = ()) -> TrustList:
        document = demo.demo_trust_list([issuer], central_key, revoked=revoked)
        return parse_trust_list(document, central_key.public_key())

    now = datetime.now(UTC)
    expired = demo.demo_document(issuer, demo.demo_claims(
        issued_at=now - timedelta(days=30), valid_for=timedelta(days=10)))
    verdicts = [
        verify(demo.demo_document(issuer), trust=None, now=now),  # no trust list
        verify(expired, trust=trust(), now=now),  # expired
        verify(demo.demo_document(issuer), trust=trust(("KCS-2025-000123",)), now=now),
        verify(URL.url, trust=None, now=now),
        verify(b"COO1:bytes", trust=None, now=now),  # type: ignore[arg-type]
        verify(demo.sign_claims(CLAIMS, issuer.private_key, kid=None), trust=trust(), now=now),
        verify(demo.sign_claims(CLAIMS, issuer.private_key, kid=b"\x01\x02"), trust=trust(),
               now=now),
        verify(demo.sign_claims(CLAIMS, issuer.private_key, kid=b"12345678"), trust=trust(),
               now=now),
    ]
    reasons = [reason for verdict in verdicts for reason in verdict.reasons]
    assert len(reasons) >= 8
    for reason in reasons:
        assert_core_text(reason)
    for status in (CertificateStatus.INVALID, CertificateStatus.REVOKED,
                   CertificateStatus.UNVERIFIED, CertificateStatus.COULD_NOT_VERIFY_NOW):
        for given in ((), tuple(reasons[:1])):
            check = CertificateCheck(CertificateKind.SIGNED, status, given,
                                     VerdictSource.OFFLINE, now, claims=CLAIMS)
            (finding,) = status_findings(check)
            assert_core_text(finding.explanation)


AUTHORITY = next(iter(DEFAULT_AUTHORITIES))
URL = parse_url_payload(demo.demo_url_payload(AUTHORITY, "2025-KR-004711", "A7C9E2"),
                        AuthorityRegistry())


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_every_online_answer_reason_is_a_core_text() -> None:
    reasons: list[str] = []
    reasons += OnlineVerifier(None).verify_url(URL, scan_id=None, tracking_id=None).reasons
    # A real client of a central nobody listens on: could not verify now.
    config = StationConfig(sync=SyncConfig(central_url=f"http://127.0.0.1:{_closed_port()}"))
    unreachable = OnlineVerifier(central_relay_factory(config))
    try:
        reasons += unreachable.verify_url(URL, scan_id="S-1", tracking_id=None).reasons
        _uses, problem = unreachable.uses("KCS-2025-000123", exclude_scan="S-1")
        assert problem is not None
        reasons.append(problem)
    finally:
        unreachable.close()
    checked = datetime.now(UTC)
    for status in ("unknown", "revoked", "invalid", "valid"):
        answer = CertificateVerifyResponse(status=status, authority="kcs", checked_at=checked)
        reasons += OnlineVerifier(None)._read_answer(answer, AUTHORITY.name).reasons
    unreadable = CertificateVerifyResponse(status="valid", authority="kcs", checked_at=checked,
                                           certificate={"not": "claims"})
    reasons += OnlineVerifier(None)._read_answer(unreadable, AUTHORITY.name).reasons
    assert len(reasons) == 8
    for reason in reasons:
        assert_core_text(reason)
    assert re.match(r"could not verify now: central could not be reached", reasons[1])


class _SinkThatFails:
    """Storage that refuses every processed parcel and, the second time, the raw scan too."""

    def __init__(self, repository: ScanRepository) -> None:
        self.repository = repository
        self.unprocessed = 0

    def save_parcel(self, parcel: object) -> None:
        raise RuntimeError("disk full")

    def save_unprocessed(self, raw: object, reason: str) -> None:
        self.unprocessed += 1
        if self.unprocessed == 2:
            raise OSError("read-only file system")
        self.repository.save_unprocessed(raw, reason)  # type: ignore[arg-type]


def test_every_pipeline_failure_is_a_core_text(
    station_parts: tuple[StationConfig, Database, ScanRepository],  # noqa: F811
) -> None:
    sink = _SinkThatFails(station_parts[2])
    link = FaultyLink(_scanner(3), {5: "wrong_pixels"}, lose_link_in_parcel=3)
    pipeline, _processed, failed, errors = _pipeline(station_parts, link, sink=sink)
    pipeline.run()
    texts = [reason for _scan_id, reason in failed] + errors + pipeline.counters.errors
    keys = set()
    for text in texts:
        assert_core_text(text)
        parsed = parse(text)
        assert parsed is not None
        keys.add(parsed.text.key)
        if parsed.text.key == "pipeline.parcel_error":
            keys.add(parse(parsed.params["reason"]).text.key)  # type: ignore[union-attr]
    assert {"pipeline.bad_line_block", "pipeline.driver_stopped", "pipeline.parcel_error",
            "pipeline.processing_failed", "pipeline.processing_failed.not_stored"} <= keys
    stored = station_parts[2].get_scan(failed[0][0])
    assert stored is not None
    assert stored.triage.reasons == ("processing failed: RuntimeError: disk full",)
    assert_core_text(stored.triage.reasons[0], "pipeline.processing_failed")


def test_every_detector_warning_is_a_core_text(tmp_path: Path) -> None:
    cpu = "CPUExecutionProvider"
    config = DetectorConfig(providers=["NoSuchExecutionProvider", cpu], warmup_runs=0)
    _detector, status = load_detector(config)
    assert status.warning == ("NoSuch requested for the detector but not available in this "
                              "onnxruntime; running on CPU")
    assert_core_text(status.warning, "detector.provider_not_available")
    # A CUDA asked for where none loads: the other reason (nothing to say where CUDA loads).
    _detector, status = load_detector(DetectorConfig(warmup_runs=0))
    if status.warning is not None:
        assert_core_text(status.warning, "detector.provider_failed")

    # A damaged release in the store is rolled back to the configured model.
    store = ModelStore(tmp_path / "models")
    broken = store.root / "xcnet-9.9-000000000000"
    shutil.copytree(shipped_model_dir(), broken)
    (broken / "model.onnx").write_bytes(b"damaged on disk")
    store.activate(broken)
    loaded = load_station_detector(DetectorConfig(providers=[cpu], warmup_runs=0), store)
    assert loaded.status.warning is not None
    assert loaded.status.warning.startswith(f"model {broken.name} did not load (")
    assert loaded.status.warning.endswith("); rolled back to configured model")
    assert_core_text(loaded.status.warning, "detector.rolled_back")
    assert parse(loaded.status.warning).params["now_running"] == "configured model"  # type: ignore[union-attr]
    # ... and with the fallback's own warning after it.
    store.activate(broken)
    loaded = load_station_detector(config, store)
    assert loaded.status.warning is not None
    assert_core_text(loaded.status.warning, "detector.rolled_back.warning")
    parsed = parse(loaded.status.warning)
    assert parsed is not None
    assert parse(parsed.params["warning"]).text.key == (  # type: ignore[union-attr]
        "detector.provider_not_available"
    )


# ------------------------------------------- the technician's texts (on the simulator)


def _simulated_wizard(tmp_path: Path, **kwargs: object) -> tuple[CalibrationWizard, Database]:
    """A wizard on a simulated scanner with only the targets it queues, as
    ``tests/technician/test_wizard_and_history.py`` runs it."""
    config = StationConfig(data_dir=tmp_path,
                           driver=DriverConfig(name="simulator", options={"parcels": 0}))
    scanner = SimulatedScanner(parcels=0)
    scanner.open()
    database = open_database(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    return CalibrationWizard(config, scanner, database, **kwargs), database  # type: ignore[arg-type]


def assert_iq_report_texts(report: IqReport) -> set[str]:
    """Every title, result, unit and measurement of ``report`` parses; their keys."""
    keys = set()
    for result in report.results:
        for text in (result.title, result.summary(), *(
            unit for unit in (result.unit,) if unit not in _SYMBOL_UNITS
        )):
            assert_core_text(text)
            keys.add(parse(text).text.key)  # type: ignore[union-attr]
        for measurement in result.measurements:
            assert_core_text(measurement.label)
            keys.add(parse(measurement.label).text.key)  # type: ignore[union-attr]
            if measurement.unit not in _SYMBOL_UNITS:
                assert_core_text(measurement.unit)
    return keys


def test_every_calibration_wizard_and_iq_text_is_a_core_text(tmp_path: Path) -> None:
    # A test piece that asks for a wire no scanner shows: the IQ test fails on it.
    piece = load_iq_piece()
    criteria = {name: dict(c) for name, c in piece.criteria.items()}
    criteria["wire_display"]["required_awg"] = 60
    impossible = replace(piece, criteria=criteria)
    # ... and a flat-field limit no detector meets: a check fails too.
    wizard, database = _simulated_wizard(
        tmp_path, limits=WizardLimits(max_flat_field_residual=1e-9), iq_spec=impossible
    )
    try:
        texts = list(wizard.proposal().reasons)  # nothing done yet
        assert texts[0] == "dark not done (pending)"
        wizard.run_calibration(texts.append)
        texts += [r.message for r in wizard.steps if r.message]
        wizard.run_verification(texts.append)
        texts += [r.message for r in wizard.steps if r.message]
        texts += [c.describe() for r in wizard.steps for c in r.checks]
        texts += wizard.proposal().reasons
        report = wizard.iq_report
        assert report is not None and not report.passed
    finally:
        wizard.driver.close()
        database.close()
    keys = set()
    for text in texts:
        assert_core_text(text)
        parsed = parse(text)
        assert parsed is not None
        keys.add(parsed.text.key)
        keys |= {parse(parsed.params[n]).text.key  # type: ignore[union-attr]
                 for n in parsed.text.nested if parse(parsed.params[n]) is not None}
    assert {
        "calibration.not_done", "calibration.progress.dark", "calibration.progress.air",
        "calibration.progress.wedge", "calibration.progress.verification",
        "calibration.progress.target_loaded", "calibration.air_check",
        "calibration.wedge_steps_measured", "calibration.image_quality_failed",
        "calibration.check.unit.ok", "calibration.check.ok", "calibration.check.failed",
        "calibration.check_failed", "calibration.iq_test_failed", "iq.result.note",
        "calibration.check.flat_residual",
    } <= keys, keys
    assert "verification: flat-field residual (std over pixels): " in "\n".join(texts)
    keys = assert_iq_report_texts(report)
    assert {f"iq.title.{test}" for test in criteria} <= keys
    assert {"iq.measurement.wire", "iq.measurement.wire_behind", "iq.measurement.bars",
            "iq.measurement.strip", "iq.measurement.lead_behind_steel",
            "iq.measurement.region", "iq.unit.mm_steel", "iq.unit.mm_bars",
            "iq.unit.regions"} <= keys
    # A test that did not reach even its easiest level, as a stored run reads back.
    nothing = IqTestResult("thin_organic", None, 2.0, "mm", False, (), note="")
    assert nothing.summary() == "none mm (required ≤ 2)"
    assert_core_text(nothing.summary(), "iq.result.none")


def test_a_failed_calibration_step_is_a_core_text(tmp_path: Path) -> None:
    wizard, database = _simulated_wizard(tmp_path)
    try:
        wizard.driver.set_interlock("covers_closed", False)  # type: ignore[attr-defined]
        progress: list[str] = []
        wizard.run_calibration(progress.append)
        reasons = wizard.proposal().reasons
    finally:
        wizard.driver.close()
        database.close()
    (failed,) = [r for r in wizard.steps if r.status is StepStatus.FAILED]
    assert progress[-1].startswith(f"{failed.step.value} failed: X-ray refused: interlock open")
    assert_core_text(progress[-1], "calibration.step_failed")
    not_done = f"{failed.step.value} not done (failed): X-ray refused: interlock open"
    assert not_done in "\n".join(reasons)
    # The message of a failed step is the driver's own words (free text, kept as it is).
    keys = {parse(r).text.key for r in reasons}  # type: ignore[union-attr]
    assert keys <= {"calibration.not_done", "calibration.not_done.reason"}
    assert "calibration.not_done.reason" in keys
    # The step names and statuses the reasons carry are core texts themselves.
    for value in (*StepName, *StepStatus):
        assert_core_text(value.value)
