"""Declared vs seen: one scenario per discrepancy kind, then triage with the result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from manifest_samples import POSTAL_EXAMPLE

from station_app.config import MatchingConfig, TriageConfig
from station_app.detection.triage import Triage
from station_app.domain import Alarm, BoxPx, Detection, TriageLevel
from station_app.manifests.hs_classes import HsClassTable, load_hs_table
from station_app.manifests.matching import (
    Discrepancy,
    DiscrepancyKind,
    match,
)
from station_app.manifests.model import Category, ContentLine, Manifest, ManifestKind, Party
from station_app.manifests.parse import load_manifest

BOX = BoxPx(10, 20, 60, 90)
PARTY = Party("Sender Name", "1 Road\nCity", "CN")
K = DiscrepancyKind


@pytest.fixture(scope="module")
def table() -> HsClassTable:
    return load_hs_table()


CFG = MatchingConfig()


def manifest(*lines: tuple[str, int, str | None, str], currency: str = "USD") -> Manifest:
    """Lines as (description, quantity, hs_code, value)."""
    return Manifest(
        kind=ManifestKind.POSTAL,
        tracking_id="RR473124829GB",
        category=Category.SALE_OF_GOODS,
        sender=PARTY,
        addressee=Party("Addressee", "2 Street\nSeoul", "KR"),
        lines=tuple(
            ContentLine(desc, qty, 100.0 * qty, Decimal(value), currency, hs)
            for desc, qty, hs, value in lines
        ),
    )


def det(name: str, confidence: float = 0.9) -> Detection:
    return Detection(name, confidence, BOX)


def battery_alarm() -> Alarm:
    return Alarm("lithium_battery", BOX, 400.0, 0.8, "cell-like metal")


def kinds(found: tuple[Discrepancy, ...]) -> list[tuple[DiscrepancyKind, str, str | None]]:
    return [(d.kind, d.severity, d.detected_class) for d in found]


def test_declared_and_seen_agree(table: HsClassTable) -> None:
    m = manifest(("T-shirt", 2, "610910", "20"), ("Kitchen knife", 1, "821191", "15"))
    assert match(m, [det("knife")], [], config=CFG, table=table) == ()


def test_example_file_matches_its_own_contents(table: HsClassTable) -> None:
    m = load_manifest(POSTAL_EXAMPLE)
    seen = [det("smartphone"), det("lithium_battery"), det("lithium_battery", 0.6)]
    assert match(m, seen, [battery_alarm()], config=CFG, table=table) == ()


def test_undeclared_normal_item_is_amber(table: HsClassTable) -> None:
    m = manifest(("T-shirt", 2, "610910", "20"))
    found = match(m, [det("cigarette_carton")], [], config=CFG, table=table)
    assert kinds(found) == [(K.UNDECLARED_ITEM, "amber", "cigarette_carton")]
    assert found[0].explanation == (
        "Detector found 1 cigarette carton but no declared line covers it."
    )
    assert found[0].declared_line is None


def test_undeclared_restricted_item_is_red(table: HsClassTable) -> None:
    m = manifest(("Toy car", 1, "950300", "12"))
    found = match(m, [det("handgun"), det("scissors")], [], config=CFG, table=table)
    assert kinds(found) == [
        (K.UNDECLARED_ITEM, "red", "handgun"),
        (K.UNDECLARED_ITEM, "amber", "scissors"),
    ]
    assert "restricted: needs a licence" in found[0].explanation


def test_weak_detections_do_not_count(table: HsClassTable) -> None:
    m = manifest(("Toy car", 1, "950300", "12"))
    assert match(m, [det("handgun", 0.3)], [], config=CFG, table=table) == ()


def test_classes_unknown_to_the_table_are_not_judged(table: HsClassTable) -> None:
    m = manifest(("Toy car", 1, "950300", "12"))
    assert match(m, [det("umbrella")], [], config=CFG, table=table) == ()


def test_quantity_far_above_declared(table: HsClassTable) -> None:
    m = manifest(("Smartphone", 2, "851713", "400"))
    within = [det("smartphone")] * 3  # declared 2 + tolerance 1
    assert match(m, within, [], config=CFG, table=table) == ()
    found = match(m, [det("smartphone")] * 5, [], config=CFG, table=table)
    assert kinds(found) == [(K.QUANTITY_EXCEEDED, "amber", "smartphone")]
    assert found[0].explanation == "Detector found 5 smartphones but only 2 are declared."
    assert found[0].declared_line == 0
    strict = MatchingConfig(quantity_tolerance=0)
    assert match(m, within, [], config=strict, table=table)[0].kind is K.QUANTITY_EXCEEDED


def test_quantity_of_restricted_class_is_red(table: HsClassTable) -> None:
    m = manifest(("Chef knife", 1, "821191", "30"))
    found = match(m, [det("knife")] * 4, [], config=CFG, table=table)
    assert kinds(found) == [(K.QUANTITY_EXCEEDED, "red", "knife")]


def test_declared_item_not_seen_is_amber(table: HsClassTable) -> None:
    m = manifest(("Socks", 3, "611595", "9"), ("Whisky 700 ml", 2, "220830", "60"))
    found = match(m, [], [], config=CFG, table=table)
    assert kinds(found) == [(K.DECLARED_NOT_SEEN, "amber", None)]
    assert found[0].declared_line == 1
    assert "'Whisky 700 ml'" in found[0].explanation and "liquid bottle" in found[0].explanation
    quiet = MatchingConfig(report_declared_not_seen=False)
    assert match(m, [], [], config=quiet, table=table) == ()
    # a weak detection of the declared class does not count as seen for quantities,
    # but the line is not "unseen" either
    weak = det("liquid_bottle", 0.2)
    assert weak.confidence < CFG.min_confidence
    assert match(m, [weak], [], config=CFG, table=table) == ()


def test_value_implausible_for_what_is_seen(table: HsClassTable) -> None:
    m = manifest(("Laptop computer", 1, "847130", "5.00"))
    found = match(m, [det("laptop")], [], config=CFG, table=table)
    assert kinds(found) == [(K.VALUE_IMPLAUSIBLE, "amber", "laptop")]
    assert "5.00 USD" in found[0].explanation and "100 USD" in found[0].explanation
    fair = manifest(("Laptop computer", 1, "847130", "650"))
    assert match(fair, [det("laptop")], [], config=CFG, table=table) == ()


def test_value_check_converts_currency(table: HsClassTable) -> None:
    # 50 000 KRW is about 37 USD: too little for a laptop; 900 000 KRW is plenty.
    cheap = manifest(("Laptop", 1, "847130", "50000"), currency="KRW")
    assert kinds(match(cheap, [det("laptop")], [], config=CFG, table=table)) == [
        (K.VALUE_IMPLAUSIBLE, "amber", "laptop")
    ]
    fine = manifest(("Laptop", 1, "847130", "900000"), currency="KRW")
    assert match(fine, [det("laptop")], [], config=CFG, table=table) == ()
    # A currency without a rate skips the check rather than guessing.
    unknown = manifest(("Laptop", 1, "847130", "1"), currency="MNT")
    assert match(unknown, [det("laptop")], [], config=CFG, table=table) == ()


def test_undeclared_lithium_battery_from_alarm(table: HsClassTable) -> None:
    m = manifest(("Cotton dress", 1, "620442", "35"))
    found = match(m, [], [battery_alarm()], config=CFG, table=table)
    assert kinds(found) == [(K.UNDECLARED_LITHIUM_BATTERY, "amber", "lithium_battery")]
    assert "a lithium-battery alarm" in found[0].explanation


def test_undeclared_phone_is_also_an_undeclared_battery(table: HsClassTable) -> None:
    m = manifest(("Cotton dress", 1, "620442", "35"))
    found = match(m, [det("smartphone")], [], config=CFG, table=table)
    assert kinds(found) == [
        (K.UNDECLARED_ITEM, "amber", "smartphone"),
        (K.UNDECLARED_LITHIUM_BATTERY, "amber", "smartphone"),
    ]


def test_declared_laptop_explains_its_battery(table: HsClassTable) -> None:
    m = manifest(("Laptop", 1, "847130", "700"))
    seen = [det("laptop"), det("lithium_battery")]
    assert match(m, seen, [battery_alarm()], config=CFG, table=table) == ()


def test_gift_without_hs_codes_uses_descriptions(table: HsClassTable) -> None:
    m = manifest(("Used iPhone", 1, None, "100"), ("Vitamin tablets", 2, None, "20"))
    seen = [det("smartphone"), det("pill_bottle"), det("pill_bottle")]
    assert match(m, seen, [], config=CFG, table=table) == ()


def test_table_from_config_when_not_given() -> None:
    m = manifest(("Toy car", 1, "950300", "12"))
    assert kinds(match(m, [det("knife")], [], config=CFG)) == [(K.UNDECLARED_ITEM, "red", "knife")]


# ---------------------------------------------------------------- triage


def test_triage_takes_discrepancy_severity(table: HsClassTable) -> None:
    triage = Triage(TriageConfig())
    m = manifest(("Toy car", 1, "950300", "12"))
    red = match(m, [det("handgun")], [], config=CFG, table=table)
    res = triage.assess((), (), red)
    assert res.level is TriageLevel.RED
    assert any(
        r.startswith("RED: Manifest discrepancy: Detector found 1 handgun") for r in res.reasons
    )

    amber = match(manifest(("Dress", 1, "620442", "35")), [], [battery_alarm()], config=CFG)
    res = triage.assess((), (), amber)
    assert res.level is TriageLevel.AMBER
    assert res.reasons == (f"AMBER: Manifest discrepancy: {amber[0].explanation}",)

    # A red discrepancy stays red even when the default level for discrepancies is amber,
    # and an amber one stays amber when the default is red: the severity decides.
    strict = Triage(TriageConfig(discrepancy_level="red"))
    assert strict.assess((), (), amber).level is TriageLevel.AMBER
    assert triage.assess((), (), ()).level is TriageLevel.GREEN
