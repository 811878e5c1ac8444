"""Personal data on manifests: masked for every role without the permission."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from station_app.accounts import Principal, Role, manifest_for_principal
from station_app.accounts.masking import MASK
from station_app.manifests.model import (
    Category,
    ContentLine,
    ExpressDetails,
    Manifest,
    ManifestKind,
    Party,
    Seller,
)


def _manifest() -> Manifest:
    return Manifest(
        kind=ManifestKind.EXPRESS,
        tracking_id="HAWB-778812",
        category=Category.SALE_OF_GOODS,
        sender=Party("Li Wei", "88 Export Road\nShenzhen", "CN", "+86 755 1234 5678"),
        addressee=Party("Anna Muster", "Bahnhofstrasse 1\n8001 Zürich", "CH", "+41 44 123 45"),
        lines=(ContentLine("Phone case", 2, 80.0, Decimal("6.50"), "EUR", "392690", "CN"),),
        express=ExpressDetails(
            house_waybill="HAWB-778812",
            seller=Seller("Wei's shop", "CN", "S-99"),
            platform="AliExpress",
            order_reference="ORDER-1234",
            payment_reference="PAY-5678",
        ),
    )


def _principal(role: Role) -> Principal:
    return Principal(1, "kim", "Kim", role, "en", "s", datetime.now(UTC))


PERSONAL: tuple[str, ...] = ("Li Wei", "Export Road", "+86", "Anna Muster", "Bahnhof", "+41")
PERSONAL += ("Wei's shop", "ORDER-1234", "PAY-5678")


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.TECHNICIAN, Role.ADMINISTRATOR, None])
def test_masked_without_the_permission(role: Role | None) -> None:
    manifest = _manifest()
    shown = manifest_for_principal(manifest, None if role is None else _principal(role))
    assert not any(text in repr(shown) for text in PERSONAL)
    assert shown.sender == Party(MASK, MASK, "CN", None)
    assert shown.addressee.country == "CH" and shown.addressee.name == MASK
    assert shown.express is not None and shown.express.seller == Seller(MASK, "CN", "S-99")
    # What the inspection is about stays.
    assert shown.lines == manifest.lines and shown.tracking_id == manifest.tracking_id
    assert shown.express.platform == "AliExpress"
    assert shown.express.house_waybill == "HAWB-778812"
    assert "Li Wei" in repr(manifest)  # the original is untouched


def test_supervisor_sees_personal_data() -> None:
    manifest = _manifest()
    assert manifest_for_principal(manifest, _principal(Role.SUPERVISOR)) is manifest
