"""Declared versus seen: compare a parcel's manifest with detections and alarms.

``match`` returns one ``Discrepancy`` per mismatch, each with a severity and one
English sentence for the inspector (a ``core_texts`` template, translated by the
GUI); ``detection.triage`` turns them into the parcel's level. Kinds:

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

from station_app import core_texts as texts
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
            undeclared = texts.UNDECLARED_RESTRICTED_ITEM if restricted else texts.UNDECLARED_ITEM
            out.append(
                Discrepancy(
                    DiscrepancyKind.UNDECLARED_ITEM,
                    severity,
                    undeclared.render(count=str(count), items=_name(cls, count)),
                    detected_class=cls,
                )
            )
        elif cls in declared_qty and count > declared_qty[cls] + config.quantity_tolerance:
            out.append(
                Discrepancy(
                    DiscrepancyKind.QUANTITY_EXCEEDED,
                    severity,
                    (
                        texts.QUANTITY_EXCEEDED_ONE
                        if declared_qty[cls] == 1
                        else texts.QUANTITY_EXCEEDED
                    ).render(
                        count=str(count), items=_name(cls, count), declared=str(declared_qty[cls])
                    ),
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
                        texts.DECLARED_NOT_SEEN.render(
                            line=str(i + 1),
                            description=repr(line.description),
                            quantity=str(line.quantity),
                            items=" or ".join(_name(c) for c in sorted(classes)),
                        ),
                        declared_line=i,
                    )
                )

    out.extend(_value_checks(manifest, seen, declared_value, first_line, config))

    battery_alarm = any(a.kind in config.battery_alarm_kinds for a in alarms)
    battery_items = sorted(c for c in seen if table.contains_battery(c))
    if (battery_alarm or battery_items) and not declares_battery:
        items = ", ".join(_name(c) for c in battery_items)
        if battery_alarm and items:
            shown = texts.UNDECLARED_BATTERY_ALARM_AND_ITEMS.render(items=items)
        elif battery_alarm:
            shown = texts.UNDECLARED_BATTERY_ALARM.render()
        else:
            shown = texts.UNDECLARED_BATTERY_ITEMS.render(items=items)
        out.append(
            Discrepancy(
                DiscrepancyKind.UNDECLARED_LITHIUM_BATTERY,
                "amber",
                shown,
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
                    texts.VALUE_IMPLAUSIBLE.render(
                        value=str(declared_value[cls]),
                        currency=manifest.currency,
                        declared_usd=f"{declared_usd:.0f}",
                        count=str(count),
                        items=_name(cls, count),
                        needed_usd=f"{needed_usd:.0f}",
                    ),
                    declared_line=first_line[cls],
                    detected_class=cls,
                )
            )
    return out
