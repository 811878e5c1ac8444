"""The English sentences the Qt-free core writes for people, as named templates.

Alarm explanations, triage reasons, manifest discrepancies and certificate
reasons and findings are stored in the database, written into DICOS and sent
to central in English (pipeline failure reasons and detector warnings, logged
and shown in the status bar, and the calibration wizard's and image-quality
test's texts, stored with their runs and printed by the CLI, are kept the same
way): those are language-neutral records, and what was said must read the same everywhere.
The GUI shows them in the inspector's language by reading them back: ``parse``
finds the template and the parameters of a text ``render`` made, and the GUI
translates the template and puts the same parameters into it (``localise``;
``station_app.gui.core_texts``).

Rules of the catalogue:

- A template is an English ``str.format`` string with named fields and no
  format specs: callers format numbers themselves (``f"{score:.2f}"``), so a
  translation uses the parameters exactly as they are.
- Free text from outside (exception messages, declared descriptions, company
  and authority names, ids, detector class names) is a parameter and is never
  translated.
- A parameter that is itself a core text (the alarm explanation inside a
  triage reason, a validity problem inside a certificate reason) is listed in
  ``nested``: it is translated on its own, and shown as it is when it is not a
  core text (an older version's wording, an exception message).
- ``parse`` tries the templates in ``CATALOGUE`` order and takes the first
  that matches the whole text, parameters matched shortest first; a template
  that begins with a parameter therefore comes after the ones it could
  swallow, and ``patterns`` narrows a parameter where order is not enough.
  Text that matches no template (stored by an older version) parses to None.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

log = logging.getLogger(__name__)

_ANY: Final = ".*?"
_NUMBER: Final = r"-?[0-9.]+(?:e[+-]?[0-9]+)?"


@dataclass(frozen=True)
class CoreText:
    """One English message of the core: ``key`` names it for good, ``template`` is its text."""

    key: str
    template: str
    nested: frozenset[str] = frozenset()  # parameters that are core texts themselves
    patterns: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    fields: tuple[str, ...] = field(init=False, repr=False, compare=False)  # first-seen order
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields: list[str] = []
        for _literal, name, spec, conversion in string.Formatter().parse(self.template):
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                raise ValueError(f"{self.key}: field {{{name}}} must be a bare name")
            if name not in fields:
                fields.append(name)
        unknown = (set(self.nested) | set(self.patterns)) - set(fields)
        if unknown:
            raise ValueError(f"{self.key}: {sorted(unknown)} are not fields of its template")
        # frozen: the derived attributes are set once, here
        object.__setattr__(self, "nested", frozenset(self.nested))
        object.__setattr__(self, "patterns", MappingProxyType(dict(self.patterns)))
        object.__setattr__(self, "fields", tuple(fields))
        object.__setattr__(self, "regex", re.compile(self._pattern(), re.DOTALL))

    def _pattern(self) -> str:
        parts: list[str] = []
        seen: set[str] = set()
        for literal, name, _spec, _conversion in string.Formatter().parse(self.template):
            parts.append(re.escape(literal))
            if name is None:
                continue
            if name in seen:  # the same value again, e.g. a unit after both amounts
                parts.append(f"(?P={name})")
            else:
                parts.append(f"(?P<{name}>{self.patterns.get(name, _ANY)})")
                seen.add(name)
        return "".join(parts)

    def render(self, **params: str) -> str:
        """The English text; every field is given, as a string, and nothing else."""
        given, wanted = set(params), set(self.fields)
        if given != wanted:
            missing, extra = sorted(wanted - given), sorted(given - wanted)
            raise ValueError(f"{self.key}: missing parameters {missing}, unknown {extra}")
        wrong = sorted(name for name, value in params.items() if not isinstance(value, str))
        if wrong:
            raise TypeError(f"{self.key}: parameters {wrong} must be formatted to str")
        return self.template.format(**params)


@dataclass(frozen=True)
class ParsedText:
    """A core text read back: its template and its parameters."""

    text: CoreText
    params: Mapping[str, str]


_ALL: list[CoreText] = []


def _text(
    key: str,
    template: str,
    *,
    nested: tuple[str, ...] = (),
    patterns: Mapping[str, str] | None = None,
) -> CoreText:
    text = CoreText(key, template, frozenset(nested), dict(patterns or {}))
    _ALL.append(text)
    return text


def _one_of(*texts: CoreText) -> str:
    """A pattern matching exactly the English of parameterless ``texts``."""
    if any(t.fields for t in texts):
        raise ValueError("_one_of takes texts without parameters")
    return "|".join(re.escape(t.template) for t in texts)


_BATTERY_TAIL: Final = ": metal-rich, penetrable and shaped like a Li-ion battery"

# ----------------------------------------------------------- rule alarms (detection.alarms)

DENSE_OBJECT = _text(
    "alarm.dense_object",
    "Dense object {length_mm} × {width_mm} mm: X-rays cannot see through it",
)
ORGANIC_MASS = _text(
    "alarm.organic_mass",
    "Packed organic mass {long_mm} × {short_mm} mm (Zeff {zeff}): uniform, brick- or "
    "pouch-shaped, Zeff of a narcotic powder rather than paper, cloth or food",
)
CYLINDRICAL_CELL = _text(
    "alarm.battery.cylindrical",
    "Cylindrical lithium cell {long_mm} × {short_mm} mm" + _BATTERY_TAIL,
)
BATTERY_PACK = _text(
    "alarm.battery.pack",
    "Battery pack of {cells} cylindrical cells, {long_mm} × {short_mm} mm" + _BATTERY_TAIL,
)
FLAT_CELL = _text(
    "alarm.battery.flat",
    "Flat lithium cell {long_mm} × {short_mm} mm" + _BATTERY_TAIL,
)

# ------------------------------------------------------ discrepancies (manifests.matching)

UNDECLARED_RESTRICTED_ITEM = _text(
    "discrepancy.undeclared_item.restricted",
    "Detector found {count} {items} (restricted: needs a licence) but no declared line "
    "covers it.",
)
UNDECLARED_ITEM = _text(
    "discrepancy.undeclared_item",
    "Detector found {count} {items} but no declared line covers it.",
)
QUANTITY_EXCEEDED_ONE = _text(
    "discrepancy.quantity_exceeded.one",
    "Detector found {count} {items} but only {declared} is declared.",
)
QUANTITY_EXCEEDED = _text(
    "discrepancy.quantity_exceeded",
    "Detector found {count} {items} but only {declared} are declared.",
)
DECLARED_NOT_SEEN = _text(
    "discrepancy.declared_not_seen",
    "Declared line {line} ({description}, quantity {quantity}) should show as {items}, "
    "but none was seen.",
)
VALUE_IMPLAUSIBLE = _text(
    "discrepancy.value_implausible",
    "Declared value {value} {currency} (about {declared_usd} USD) is implausibly low for "
    "{count} {items} seen (at least {needed_usd} USD expected).",
)
UNDECLARED_BATTERY_ALARM = _text(
    "discrepancy.undeclared_lithium_battery.alarm",
    "The image shows lithium batteries (a lithium-battery alarm) but no declared line "
    "holds one.",
)
UNDECLARED_BATTERY_ALARM_AND_ITEMS = _text(
    "discrepancy.undeclared_lithium_battery.alarm_and_items",
    "The image shows lithium batteries (a lithium-battery alarm, {items}) but no declared "
    "line holds one.",
)
UNDECLARED_BATTERY_ITEMS = _text(
    "discrepancy.undeclared_lithium_battery.items",
    "The image shows lithium batteries ({items}) but no declared line holds one.",
)

# ------------------------------------------------------------- triage (detection.triage)

MANIFEST_DISCREPANCY_LABEL = _text("triage.label.manifest", "Manifest discrepancy")
CERTIFICATE_LABEL = _text("triage.label.certificate", "Certificate")
TRIAGE_REASON = _text(
    "triage.reason",
    "{level}: {reason}",
    nested=("reason",),
    patterns={"level": "GREEN|AMBER|RED"},
)
NOTHING_NEEDS_A_LOOK = _text(
    "triage.nothing", "no alarm, detection or discrepancy needs a look"
)
ALARM_REASON = _text(
    "triage.alarm",
    "{explanation} (rule {rule}, score {score})",
    nested=("explanation",),
    patterns={"score": _NUMBER},
)
DETECTION_REASON = _text(
    "triage.detection",
    "Detector found {item} ({confidence} confidence) at lines {line0}-{line1}, "
    "pixels {px0}-{px1}",
)
DETECTOR_DID_NOT_RUN = _text(
    "triage.detector_did_not_run",
    "The item detector did not run on this parcel ({error}); look for items yourself",
)
DISCREPANCY_REASON = _text(
    "triage.discrepancy",
    "{label}: {explanation}",
    nested=("label", "explanation"),
    patterns={"label": _one_of(MANIFEST_DISCREPANCY_LABEL, CERTIFICATE_LABEL)},
)
RISK_HIGH = _text("triage.risk.high", "Central risk score {score} (high)")
RISK_ELEVATED = _text("triage.risk.elevated", "Central risk score {score} (elevated)")
RISK_LOW = _text("triage.risk.low", "Central risk score {score} (low)")

# ------------------------------------------------- certificate verdicts (certificates.*)

CWT_ISSUED_IN_FUTURE = _text(
    "certificate.cwt.issued_in_future", "certificate issued in the future ({time})"
)
CWT_NOT_YET_VALID = _text("certificate.cwt.not_yet_valid", "certificate not valid before {time}")
CWT_EXPIRED = _text("certificate.cwt.expired", "certificate expired on {time}")
KEY_NOT_YET_VALID = _text("certificate.key.not_yet_valid", "issuer key not valid before {time}")
KEY_EXPIRED = _text("certificate.key.expired", "issuer key expired on {time}")
NO_KID = _text("certificate.no_kid", "no key id (kid) in the COSE headers")
KID_LENGTH = _text("certificate.kid_length", "key id of {length} bytes, expected {expected}")
UNKNOWN_ISSUER_KEY = _text("certificate.unknown_key", "unknown issuer key (kid {kid})")
INTERNAL_ERROR = _text(
    "certificate.internal_error", "internal error while verifying ({error})"
)
PAYLOAD_NOT_TEXT = _text("certificate.not_text", "barcode payload is not text")
URL_CHECKED_ONLINE = _text(
    "certificate.url_checked_online",
    "verification URL of an issuing authority; it is checked online through central",
)
SIGNED_OUTSIDE_KEY_VALIDITY = _text(
    "certificate.signed_outside_key_validity",
    "signed outside the key's validity ({problem})",
    nested=("problem",),
)
ISSUER_COUNTRY_MISMATCH = _text(
    "certificate.issuer_country",
    "issuer {issuer} does not match the key's country {country}",
)
REVOKED_BY_TRUST_LIST = _text("certificate.revoked", "certificate {number} is revoked")
NO_TRUST_LIST = _text("certificate.no_trust_list", "no trust list loaded; signature not checked")

# online verification through central (certificates.online)
AUTHORITY_DID_NOT_ANSWER = _text(
    "certificate.online.authority_did_not_answer",
    "the issuing authority did not answer central ({error})",
)
CENTRAL_UNREACHABLE = _text(
    "certificate.online.central_unreachable", "central could not be reached ({error})"
)
CENTRAL_REFUSED = _text(
    "certificate.online.central_refused", "central refused this station ({error})"
)
CENTRAL_ANSWER_UNREADABLE = _text(
    "certificate.online.answer_unreadable", "central's answer could not be read ({error})"
)
ONLINE_FAILED_UNEXPECTEDLY = _text(
    "certificate.online.failed_unexpectedly",
    "verification failed unexpectedly ({error_type}: {error})",
)
CENTRAL_ANSWERED_OTHER_AUTHORITY = _text(
    "certificate.online.other_authority",
    "central answered for authority {answered}, not {asked}",
)
CENTRAL_DATA_UNREADABLE = _text(
    "certificate.online.data_unreadable",
    "the certificate data from central is unreadable ({error})",
)
COULD_NOT_VERIFY_NOW = _text(
    "certificate.online.could_not_verify_now",
    "could not verify now: {problem}",
    nested=("problem",),
)
NO_CENTRAL_SERVICE = _text(
    "certificate.online.no_central",
    "verification URL of {authority}: this station has no central service to verify it "
    "through",
)
CENTRAL_NOT_CONNECTED = _text(
    "certificate.online.not_connected",
    "central has no connection to {authority}; verify it by other means",
)
AUTHORITY_DOES_NOT_KNOW = _text(
    "certificate.online.unknown",
    "{authority} does not know this certificate (number and code)",
)
AUTHORITY_REVOKED = _text(
    "certificate.online.revoked", "{authority} has revoked this certificate"
)
AUTHORITY_SAYS_INVALID = _text(
    "certificate.online.invalid", "{authority} says this certificate is not valid"
)
AUTHORITY_DISCLOSED_NOTHING = _text(
    "certificate.online.no_details",
    "{authority} disclosed no certificate details; no cross-checks made",
)
USES_NOT_ASKED = _text(
    "certificate.online.uses_not_asked",
    "central could not be asked where else it was used: {problem}",
    nested=("problem",),
)

# checking against the parcel (certificates.service)
CACHED_ANSWER = _text(
    "certificate.cached_answer", "answer of {authority} from {minutes} min ago"
)
NO_MANIFEST = _text(
    "certificate.no_manifest",
    "no manifest for this parcel: parties and goods not cross-checked",
)
# The status findings: the longer "not verified yet" first, so "not verified" cannot take it.
STATUS_NOT_VERIFIED_YET_BECAUSE = _text(
    "certificate.status.could_not_verify_now.reason",
    "Certificate {number} is not verified yet (could not verify now) ({reason}).",
    nested=("reason",),
)
STATUS_NOT_VERIFIED_YET = _text(
    "certificate.status.could_not_verify_now",
    "Certificate {number} is not verified yet (could not verify now).",
)
STATUS_INVALID_BECAUSE = _text(
    "certificate.status.invalid.reason",
    "Certificate {number} is not valid ({reason}).",
    nested=("reason",),
)
STATUS_INVALID = _text("certificate.status.invalid", "Certificate {number} is not valid.")
STATUS_REVOKED_BECAUSE = _text(
    "certificate.status.revoked.reason",
    "Certificate {number} is revoked by its issuer ({reason}).",
    nested=("reason",),
)
STATUS_REVOKED = _text(
    "certificate.status.revoked", "Certificate {number} is revoked by its issuer."
)
STATUS_UNVERIFIED_BECAUSE = _text(
    "certificate.status.unverified.reason",
    "Certificate {number} is not verified ({reason}).",
    nested=("reason",),
)
STATUS_UNVERIFIED = _text(
    "certificate.status.unverified", "Certificate {number} is not verified."
)

# cross-checks with the manifest and earlier uses (certificates.crosscheck)
EXPIRED_BEFORE_SCAN = _text(
    "certificate.validity.expired",
    "Certificate {number} expired on {expired}, before the parcel was scanned ({scanned}).",
)
ISSUED_AFTER_SCAN = _text(
    "certificate.validity.issued_after",
    "Certificate {number} was issued on {issued}, after the parcel was scanned ({scanned}).",
)
EXPORTER_NOT_SENDER_OR_SELLER = _text(
    "certificate.exporter.seller",
    "Certificate exporter {exporter} is not the manifest sender {sender} or seller {seller}.",
)
EXPORTER_NOT_SENDER = _text(
    "certificate.exporter",
    "Certificate exporter {exporter} is not the manifest sender {sender}.",
)
IMPORTER_NOT_ADDRESSEE = _text(
    "certificate.importer",
    "Certificate importer {importer} is not the manifest addressee {addressee}.",
)
NO_HS_CODES = _text(
    "certificate.hs_uncheckable",
    "The manifest declares no HS codes, so the certificate's items cannot be matched to "
    "its lines.",
)
HS_OTHER_SUBHEADING = _text(
    "certificate.hs_not_declared.heading",
    "Certificate item HS {hs_code} ({items}) matches no declared line: line {line} declares "
    "{declared_hs} in the same heading, a different subheading.",
)
HS_NOT_DECLARED = _text(
    "certificate.hs_not_declared",
    "Certificate item HS {hs_code} ({items}) matches no declared line: no declared line has "
    "this HS subheading.",
)
ORIGIN_MISMATCH = _text(
    "certificate.origin",
    "Declared line {line} ({description}) gives origin {origin}; the certificate certifies "
    "{certified}.",
)
QUANTITY_OVER_CERTIFIED_IN_UNIT = _text(
    "certificate.quantity.unit",
    "Declared {declared} {unit} under HS {hs_code} but the certificate covers only "
    "{certified} {unit}.",
    patterns={"declared": _NUMBER, "certified": _NUMBER},
)
QUANTITY_OVER_CERTIFIED = _text(
    "certificate.quantity",
    "Declared {declared} under HS {hs_code} but the certificate covers only {certified}.",
    patterns={"declared": _NUMBER, "certified": _NUMBER},
)
REUSED_FOR_OTHER_IMPORTER = _text(
    "certificate.reused.importer",
    "Certificate {number} was already presented for another importer ({importers}; "
    "{parcels}).",
)
REUSED_UNCHECKED = _text(
    "certificate.reused",
    "Certificate {number} was already presented on {count} other parcel(s) ({parcels}); "
    "without manifests for all of them the quantities cannot be checked.",
)
REUSED_BEYOND_QUANTITY_IN_UNIT = _text(
    "certificate.reused.quantity.unit",
    "Certificate {number} covers {certified} {unit} under HS {hs_code}, but {total} are "
    "claimed over {count} parcels (this one and {parcels}).",
    patterns={"certified": _NUMBER},
)
REUSED_BEYOND_QUANTITY = _text(
    "certificate.reused.quantity",
    "Certificate {number} covers {certified} under HS {hs_code}, but {total} are claimed "
    "over {count} parcels (this one and {parcels}).",
    patterns={"certified": _NUMBER},
)

# ------------------------------- pipeline failures (pipeline; status bar, station status)
# The exception text inside is free text: only the words around it are translated.

DRIVER_STOPPED = _text("pipeline.driver_stopped", "scanner driver stopped: {error}")
BAD_LINE_BLOCK = _text(
    "pipeline.bad_line_block", "bad line block at line {line} dropped: {error}"
)
# "… not stored" first: the shorter one would take its ending into {error}.
PROCESSING_FAILED_NOT_STORED = _text(
    "pipeline.processing_failed.not_stored",
    "processing failed: {error_type}: {error} (and could not be stored)",
    patterns={"error_type": r"\w+"},
)
PROCESSING_FAILED = _text(
    "pipeline.processing_failed",
    "processing failed: {error_type}: {error}",
    patterns={"error_type": r"\w+"},
)
PARCEL_ERROR = _text("pipeline.parcel_error", "parcel {scan_id}: {reason}", nested=("reason",))

# ------------------------------------ detector warnings (detection.detector, model_store)

CONFIGURED_MODEL = _text("detector.configured_model", "configured model")
# With the loaded model's own warning after it first, so the shorter one cannot take it.
MODEL_ROLLED_BACK_AND_WARNING = _text(
    "detector.rolled_back.warning",
    "model {failed} did not load ({reason}); rolled back to {now_running}; {warning}",
    nested=("now_running", "warning"),
)
MODEL_ROLLED_BACK = _text(
    "detector.rolled_back",
    "model {failed} did not load ({reason}); rolled back to {now_running}",
    nested=("now_running",),
)
PROVIDER_NOT_AVAILABLE = _text(
    "detector.provider_not_available",
    "{requested} requested for the detector but not available in this onnxruntime; "
    "running on {provider}",
)
PROVIDER_FAILED_TO_LOAD = _text(
    "detector.provider_failed",
    "{requested} requested for the detector but failed to load (driver or CUDA libraries); "
    "running on {provider}",
)

# ------------------------------- image-quality test (imaging.iq_test; technician workspace)

IQ_WIRE_DISPLAY = _text("iq.title.wire_display", "Wire display")
IQ_USEFUL_PENETRATION = _text("iq.title.useful_penetration", "Useful penetration")
IQ_SPATIAL_RESOLUTION = _text("iq.title.spatial_resolution", "Spatial resolution")
IQ_THIN_ORGANIC = _text("iq.title.thin_organic", "Thin organic")
IQ_SIMPLE_PENETRATION = _text("iq.title.simple_penetration", "Simple penetration")
IQ_MATERIAL_DIFFERENTIATION = _text(
    "iq.title.material_differentiation", "Organic/inorganic differentiation"
)
_IQ_TITLES: Final = (IQ_WIRE_DISPLAY, IQ_USEFUL_PENETRATION, IQ_SPATIAL_RESOLUTION,
                     IQ_THIN_ORGANIC, IQ_SIMPLE_PENETRATION, IQ_MATERIAL_DIFFERENTIATION)
IQ_NOTE_WIRE_DISPLAY = _text(
    "iq.note.wire_display", "thinnest gauge shown in both orientations"
)
IQ_NOTE_USEFUL_PENETRATION = _text(
    "iq.note.useful_penetration", "thickest step behind which the wire is seen"
)
IQ_NOTE_SPATIAL_RESOLUTION = _text(
    "iq.note.spatial_resolution", "finest bars resolved in both orientations"
)
IQ_NOTE_THIN_ORGANIC = _text("iq.note.thin_organic", "thinnest organic strip visible")
IQ_NOTE_SIMPLE_PENETRATION = _text(
    "iq.note.simple_penetration", "thickest steel through which the lead is seen"
)
IQ_NOTE_MATERIAL_DIFFERENTIATION = _text(
    "iq.note.material_differentiation", "regions given their expected colour class"
)
# Units of a result (AWG and mm stay as they are) and of a measurement (CNR stays).
IQ_UNIT_MM_STEEL = _text("iq.unit.mm_steel", "mm steel")
IQ_UNIT_MM_BARS = _text("iq.unit.mm_bars", "mm bars")
IQ_UNIT_REGIONS = _text("iq.unit.regions", "regions")
# After "mm steel": the datasheet's material is free text ("mm steel" reads the same).
IQ_UNIT_MM_OF = _text("iq.unit.mm_of", "mm {material}", nested=("material",))
IQ_UNIT_MODULATION = _text("iq.unit.modulation", "modulation")
IQ_UNIT_FRACTION = _text("iq.unit.fraction", "fraction")
# The datasheet's names of materials, orientations and colour classes.
IQ_ACROSS = _text("iq.runs.across", "across")
IQ_ALONG = _text("iq.runs.along", "along")
IQ_COPPER = _text("iq.material.copper", "copper")
IQ_STEEL = _text("iq.material.steel", "steel")
IQ_LEAD = _text("iq.material.lead", "lead")
IQ_ALUMINIUM = _text("iq.material.aluminium", "aluminium")
IQ_POLYETHYLENE = _text("iq.material.polyethylene", "polyethylene")
IQ_POM = _text("iq.material.pom", "pom")
IQ_PMMA = _text("iq.material.pmma", "pmma")
IQ_ORGANIC = _text("iq.class.organic", "organic")
IQ_INORGANIC = _text("iq.class.inorganic", "inorganic")
IQ_METAL = _text("iq.class.metal", "metal")
# Measurements (one element of a test each).
_RUNS: Final = _one_of(IQ_ACROSS, IQ_ALONG)
IQ_WIRE = _text("iq.measurement.wire", "AWG {awg} {runs}", nested=("runs",),
                patterns={"runs": _RUNS})
IQ_WIRE_BEHIND = _text(
    "iq.measurement.wire_behind",
    "AWG {awg} behind {material} {thickness_mm} mm",
    nested=("material",),
    patterns={"thickness_mm": _NUMBER},
)
IQ_BARS = _text("iq.measurement.bars", "bars {bar_mm} mm {runs}", nested=("runs",),
                patterns={"bar_mm": _NUMBER, "runs": _RUNS})
IQ_LEAD_BEHIND_STEEL = _text(
    "iq.measurement.lead_behind_steel", "lead behind steel {thickness_mm} mm",
    patterns={"thickness_mm": _NUMBER},
)
IQ_STRIP = _text("iq.measurement.strip", "polyethylene {thickness_mm} mm",
                 patterns={"thickness_mm": _NUMBER})
IQ_REGION = _text(
    "iq.measurement.region",
    "{material} {thickness_mm} mm → {expected_class}",
    nested=("material", "expected_class"),
    patterns={"thickness_mm": _NUMBER},
)
# A result: the level reached against the level required, and what the level means.
IQ_RESULT = _text(
    "iq.result",
    "{achieved} {unit} (required {relation} {required})",
    nested=("unit",),
    patterns={"achieved": _NUMBER, "relation": "≥|≤", "required": _NUMBER},
)
IQ_RESULT_NONE = _text(
    "iq.result.none",
    "none {unit} (required {relation} {required})",
    nested=("unit",),
    patterns={"relation": "≥|≤", "required": _NUMBER},
)
IQ_RESULT_NOTE = _text(
    "iq.result.note",
    "{result}; {note}",
    nested=("result", "note"),
    patterns={"note": _one_of(IQ_NOTE_WIRE_DISPLAY, IQ_NOTE_USEFUL_PENETRATION,
                              IQ_NOTE_SPATIAL_RESOLUTION, IQ_NOTE_THIN_ORGANIC,
                              IQ_NOTE_SIMPLE_PENETRATION, IQ_NOTE_MATERIAL_DIFFERENTIATION)},
)

# --------------------- calibration wizard (technician.calibration_wizard; its progress)

STEP_DARK = _text("calibration.step.dark", "dark")
STEP_AIR = _text("calibration.step.air", "air")
STEP_WEDGE = _text("calibration.step.wedge", "wedge")
STEP_VERIFICATION = _text("calibration.step.verification", "verification")
_STEPS: Final = _one_of(STEP_DARK, STEP_AIR, STEP_WEDGE, STEP_VERIFICATION)
STATUS_PENDING = _text("calibration.status.pending", "pending")
STATUS_RUNNING = _text("calibration.status.running", "running")
STATUS_DONE = _text("calibration.status.done", "done")
STATUS_FAILED = _text("calibration.status.failed", "failed")
_STATUSES: Final = _one_of(STATUS_PENDING, STATUS_RUNNING, STATUS_DONE, STATUS_FAILED)
# The checks' names and units (A stays as it is).
CHECK_DARK_OFFSET = _text("calibration.check.dark_offset", "dark offset (median, of full scale)")
CHECK_DARK_NOISE_HIGH = _text("calibration.check.dark_noise_high", "dark noise high (median)")
CHECK_DARK_NOISE_LOW = _text("calibration.check.dark_noise_low", "dark noise low (median)")
CHECK_GAIN = _text("calibration.check.gain", "gain (median air − dark, of full scale)")
CHECK_BAD_PIXELS = _text("calibration.check.bad_pixels", "dead + noisy pixels")
CHECK_SATURATED = _text("calibration.check.saturated", "saturated pixels")
CHECK_WEDGE_STEPS = _text("calibration.check.wedge_steps", "wedge steps in the fit")
CHECK_WEDGE_ERROR = _text("calibration.check.wedge_error", "worst leave-one-out Zeff error")
CHECK_FLAT_RESIDUAL = _text(
    "calibration.check.flat_residual", "flat-field residual (std over pixels)"
)
CHECK_FLAT_OFFSET = _text("calibration.check.flat_offset", "flat-field offset (|median|)")
CHECK_IQ_PASSED = _text("calibration.check.iq_passed", "image-quality tests passed")
CHECK_IQ_SCANNED = _text("calibration.check.iq_scanned", "image-quality test piece scanned")
UNIT_COUNTS = _text("calibration.unit.counts", "counts")
UNIT_PIXELS = _text("calibration.unit.pixels", "pixels")
_CHECK_NUMBER: Final = f"{_NUMBER}|-?inf|nan"
_CHECK_PATTERNS: Final = {"value": _CHECK_NUMBER, "relation": "≤|≥", "limit": _CHECK_NUMBER}
CHECK_UNIT_OK = _text(
    "calibration.check.unit.ok", "{name}: {value} {unit} ({relation} {limit}) ok",
    nested=("name", "unit"), patterns=_CHECK_PATTERNS,
)
CHECK_UNIT_FAILED = _text(
    "calibration.check.unit.failed", "{name}: {value} {unit} ({relation} {limit}) FAILED",
    nested=("name", "unit"), patterns=_CHECK_PATTERNS,
)
CHECK_OK = _text(
    "calibration.check.ok", "{name}: {value} ({relation} {limit}) ok",
    nested=("name",), patterns=_CHECK_PATTERNS,
)
CHECK_FAILED = _text(
    "calibration.check.failed", "{name}: {value} ({relation} {limit}) FAILED",
    nested=("name",), patterns=_CHECK_PATTERNS,
)
# Step messages.
STEP_MEASURED = _text("calibration.measured", "measured")
WEDGE_STEPS_MEASURED = _text(
    "calibration.wedge_steps_measured", "{measured} steps measured, {rejected} rejected"
)
AIR_CHECK = _text("calibration.air_check", "air check")
IMAGE_QUALITY_PASSED = _text("calibration.image_quality_passed", "image quality passed")
IMAGE_QUALITY_FAILED = _text("calibration.image_quality_failed", "image quality failed")
# Progress (station_calibration, technician.acquire), before "{step}: {check}" below.
SCAN = _text("calibration.scan", "scan")
PROGRESS_DARK = _text("calibration.progress.dark", "dark: X-rays off")
PROGRESS_AIR = _text("calibration.progress.air", "air: X-rays on, belt empty")
PROGRESS_WEDGE = _text(
    "calibration.progress.wedge", "step wedge: place the '{wedge}' step wedge on the belt"
)
PROGRESS_VERIFICATION = _text(
    "calibration.progress.verification", "verification: scanning the image-quality test piece"
)
PROGRESS_TARGET_LOADED = _text(
    "calibration.progress.target_loaded", "{what}: target '{target}' loaded by the scanner",
    nested=("what",), patterns={"what": _one_of(AIR_CHECK, SCAN)},
)
PROGRESS_PLACE_TARGET = _text(
    "calibration.progress.place_target", "{what}: place the '{target}' on the belt",
    nested=("what",), patterns={"what": _one_of(AIR_CHECK, SCAN)},
)
STEP_FAILED_BECAUSE = _text(
    "calibration.step_failed", "{step} failed: {error}",
    nested=("step",), patterns={"step": _STEPS},
)
# The proposal's reasons to reject.
STEP_NOT_DONE_BECAUSE = _text(
    "calibration.not_done.reason", "{step} not done ({status}): {message}",
    nested=("step", "status", "message"), patterns={"step": _STEPS, "status": _STATUSES},
)
STEP_NOT_DONE = _text(
    "calibration.not_done", "{step} not done ({status})",
    nested=("step", "status"), patterns={"step": _STEPS, "status": _STATUSES},
)
STEP_CHECK_FAILED = _text(
    "calibration.check_failed", "{step}: {check}",
    nested=("step", "check"), patterns={"step": _STEPS},
)
IQ_TEST_FAILED = _text(
    "calibration.iq_test_failed", "image quality: {title} {summary}",
    nested=("title", "summary"), patterns={"title": _one_of(*_IQ_TITLES)},
)

CATALOGUE: Final[tuple[CoreText, ...]] = tuple(_ALL)
BY_KEY: Final[Mapping[str, CoreText]] = MappingProxyType({t.key: t for t in CATALOGUE})
if len(BY_KEY) != len(CATALOGUE) or len({t.template for t in CATALOGUE}) != len(CATALOGUE):
    raise ValueError("core text keys and templates must be unique")


def parse(text: str) -> ParsedText | None:
    """The template and parameters of a text ``render`` made; None for any other text."""
    for core_text in CATALOGUE:
        found = core_text.regex.fullmatch(text)
        if found is not None:
            return ParsedText(core_text, MappingProxyType(found.groupdict()))
    return None


def localise(text: str, template_in_language: Callable[[CoreText], str]) -> str:
    """``text`` in another language: its template as ``template_in_language`` gives it,
    nested core texts translated the same way, other parameters as they are.

    Text that is not a core text is returned unchanged. A translated template
    that does not fit its parameters (a broken catalogue entry) falls back to
    the English text rather than failing the screen that shows it.
    """
    parsed = parse(text)
    if parsed is None:
        return text
    params = {
        name: localise(value, template_in_language) if name in parsed.text.nested else value
        for name, value in parsed.params.items()
    }
    translated = template_in_language(parsed.text)
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError) as exc:
        log.warning("translation of core text %s unusable (%s)", parsed.text.key, exc)
        return text
