"""Declared versus seen: compare a parcel's manifest with detections and alarms.

``match`` returns one ``Discrepancy`` per mismatch, each with a severity and one
English sentence for the inspector; ``detection.triage`` turns them into the
parcel's level. Kinds:

- ``undeclared_item``: a detected class that no declared line covers.
  RED for restricted classes (weapons, ammunition, blades), else AMBER.
- ``quantity_exceeded``: more detections of a class than the covering lines
  declare, beyond a tolerance. RED for restricted classes, else AMBER.
- ``declared_not_seen``: a declared line the detector could see, but nothing of
  it was found. AMBER: detectors miss things, so this only asks for a look.
- ``value_implausible``: e.g. a laptop seen but declared for less than a
  configured minimum. AMBER (under-valuation is a duty matter, not a danger).
- ``undeclared_lithium_battery``: a battery alarm or a battery-holding item seen
  (lithium cell, laptop, phone) while no declared line holds a battery. AMBER
  (dangerous goods in air transport).

Only detections at or above ``MatchingConfig.min_confidence`` count: a weak
detection is shown on the image but must not raise a paperwork discrepancy —
nor, for ``declared_not_seen``, create one by being ignored.
Classes missing from the HS table (e.g. a new detector class before the table
is updated) are not judged: nothing says which declarations would cover them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from station_app.config import MatchingConfig
from station_app.domain import Alarm, Detection, Discrepancy, DiscrepancyKind, Severity
from station_app.manifests.hs_classes import HsClassTable, load_hs_table
from station_app.manifests.model import Manifest

__all__ = ["Discrepancy", "DiscrepancyKind", "Severity", "match"]

BATTERY_CLASS = "lithium_battery"


def _name(class_name: str, count: int = 1) -> str:
    text = class_name.replace("_", " ")
    return text if count == 1 else f"{text}s"


def match(
    manifest: Manifest,
    detections: Sequence[Detection],
    alarms: Sequence[Alarm],
    *,
    config: MatchingConfig,
    table: HsClassTable | None = None,
) -> tuple[Discrepancy, ...]:
    """All discrepancies between ``manifest`` and what the parcel's image showed.

    Pass ``table`` when matching many parcels (the pipeline loads it once);
    without it the table named by ``config`` is loaded.
    """
    if table is None:
        table = load_hs_table(config.hs_table_path)
    seen = Counter(d.class_name for d in detections if d.confidence >= config.min_confidence)
    seen_at_all = {d.class_name for d in detections}
    line_classes = [table.classes_for_line(line) for line in manifest.lines]

    declared_qty: Counter[str] = Counter()
    declared_value: dict[str, Decimal] = {}
    first_line: dict[str, int] = {}
    for i, (line, classes) in enumerate(zip(manifest.lines, line_classes, strict=True)):
        for cls in classes:
            declared_qty[cls] += line.quantity
            declared_value[cls] = declared_value.get(cls, Decimal(0)) + line.value
            first_line.setdefault(cls, i)
    declares_battery = any(table.contains_battery(c) for c in declared_qty)

    out: list[Discrepancy] = []
    # A declared laptop or phone explains a lithium-cell detection (its battery pack).
    covered = set(declared_qty) | ({BATTERY_CLASS} if declares_battery else set())
    for cls, count in sorted(seen.items()):
        if cls not in table.classes:
            continue  # a class the table does not know cannot be judged against HS codes
        restricted = table.is_restricted(cls)
        severity: Severity = "red" if restricted else "amber"
        if cls not in covered:
            why = " (restricted: needs a licence)" if restricted else ""
            out.append(
                Discrepancy(
                    DiscrepancyKind.UNDECLARED_ITEM,
                    severity,
                    f"Detector found {count} {_name(cls, count)}{why} but no declared "
                    "line covers it.",
                    detected_class=cls,
                )
            )
        elif cls in declared_qty and count > declared_qty[cls] + config.quantity_tolerance:
            out.append(
                Discrepancy(
                    DiscrepancyKind.QUANTITY_EXCEEDED,
                    severity,
                    f"Detector found {count} {_name(cls, count)} but only "
                    f"{declared_qty[cls]} {'is' if declared_qty[cls] == 1 else 'are'} declared.",
                    declared_line=first_line[cls],
                    detected_class=cls,
                )
            )

    if config.report_declared_not_seen:
        for i, (line, classes) in enumerate(zip(manifest.lines, line_classes, strict=True)):
            # any detection, however weak, is enough to not call a declared line unseen
            if classes and not any(c in seen_at_all for c in classes):
                out.append(
                    Discrepancy(
                        DiscrepancyKind.DECLARED_NOT_SEEN,
                        "amber",
                        f"Declared line {i + 1} ({line.description!r}, quantity "
                        f"{line.quantity}) should show as "
                        f"{' or '.join(_name(c) for c in sorted(classes))}, but none was seen.",
                        declared_line=i,
                    )
                )

    out.extend(_value_checks(manifest, seen, declared_value, first_line, config))

    battery_alarm = any(a.kind in config.battery_alarm_kinds for a in alarms)
    battery_items = sorted(c for c in seen if table.contains_battery(c))
    if (battery_alarm or battery_items) and not declares_battery:
        evidence = []
        if battery_alarm:
            evidence.append("a lithium-battery alarm")
        evidence.extend(_name(c) for c in battery_items)
        out.append(
            Discrepancy(
                DiscrepancyKind.UNDECLARED_LITHIUM_BATTERY,
                "amber",
                f"The image shows lithium batteries ({', '.join(evidence)}) but no declared "
                "line holds one.",
                detected_class=battery_items[0] if battery_items else BATTERY_CLASS,
            )
        )
    order = {"red": 0, "amber": 1}
    return tuple(sorted(out, key=lambda d: order[d.severity]))


def _value_checks(
    manifest: Manifest,
    seen: Counter[str],
    declared_value: dict[str, Decimal],
    first_line: dict[str, int],
    config: MatchingConfig,
) -> list[Discrepancy]:
    rate = config.usd_per_unit.get(manifest.currency)
    if rate is None or rate <= 0:
        return []
    out = []
    for cls, min_usd in sorted(config.min_value_usd.items()):
        count = seen[cls]
        # An undeclared class is already a discrepancy: value is checked on declared ones.
        if count == 0 or cls not in declared_value:
            continue
        declared_usd = float(declared_value[cls]) * rate
        needed_usd = min_usd * count
        if declared_usd < needed_usd:
            out.append(
                Discrepancy(
                    DiscrepancyKind.VALUE_IMPLAUSIBLE,
                    "amber",
                    f"Declared value {declared_value[cls]} {manifest.currency} "
                    f"(about {declared_usd:.0f} USD) is implausibly low for {count} "
                    f"{_name(cls, count)} seen (at least {needed_usd:.0f} USD expected).",
                    declared_line=first_line[cls],
                    detected_class=cls,
                )
            )
    return out
