"""Certificate against manifest, and against its earlier uses.

A genuine certificate proves origin only for the goods and parties it names.
``cross_check`` compares it with the parcel's manifest:

- exporter vs the manifest's sender (or, for express items, the seller) and
  importer vs the addressee: same country and the same name once case,
  punctuation and legal forms ("Co., Ltd.", "GmbH") are set aside, allowing
  small spelling differences (similarity ≥ ``NAME_SIMILARITY``);
- every certificate item must match a declared line by its 6-digit HS
  subheading (a line of the same 4-digit heading is named in the reason);
- the origin country of the matched lines must be the certificate's;
- declared quantities may not exceed the certified ones (counted units
  compare with the declared quantity, kg/g with the declared net weight;
  other units are not compared);
- the parcel's date must lie within the certificate's validity.

``reuse_findings`` compares with the other parcels the same certificate
number was presented on: a different importer, or more goods drawn in total
than the certificate covers. When the quantities of a use are not known (no
manifest), the repeated presentation itself is reported.

Every finding is AMBER: an origin paperwork problem is a duty matter for a
closer look, not a danger. Explanations are English ``core_texts`` templates.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from difflib import SequenceMatcher
from typing import Final

from station_app import core_texts as texts
from station_app.certificates.claims import CooClaims, CooItem
from station_app.certificates.claims import Party as CertParty
from station_app.certificates.records import CertificateMismatch, CertificateUse, MismatchKind
from station_app.manifests.model import ContentLine, Manifest
from station_app.manifests.model import Party as ManifestParty

NAME_SIMILARITY: Final = 0.85
_QUANTITY_SLACK: Final = 1e-6
# Legal forms and filler words that differ between documents of the same company.
_LEGAL_FORMS_TEXT: Final = """
    co ltd llc inc gmbh ag sa sas sarl srl spa bv nv plc corp corporation company limited
    kg ohg ug oy ab as aps kk pte pty the and
    """
_LEGAL_FORMS: Final = frozenset(_LEGAL_FORMS_TEXT.split())
# Units that count pieces (UN/ECE Rec. 20 codes and what certificates print).
_COUNTED_UNITS_TEXT: Final = "pcs pc pce pces piece pieces nar nmb u unit units ea each set sets"
_COUNTED_UNITS: Final = frozenset(_COUNTED_UNITS_TEXT.split())
_GRAMS_PER_UNIT: Final = {"kg": 1000.0, "kgm": 1000.0, "g": 1.0, "grm": 1.0}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def party_key(name: str) -> str:
    """A company name reduced for comparison: NFKC, case-folded, no punctuation
    or legal forms ("Hanbit Electronics Co., Ltd." → "hanbit electronics")."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    words = [w for w in _NON_WORD.sub(" ", folded).split() if w not in _LEGAL_FORMS]
    return " ".join(words) or folded.strip()


def same_name(a: str, b: str) -> bool:
    key_a, key_b = party_key(a), party_key(b)
    if key_a == key_b:
        return True
    return SequenceMatcher(None, key_a, key_b).ratio() >= NAME_SIMILARITY


def _same_party(cert: CertParty, name: str, country: str) -> bool:
    return cert.country == country and same_name(cert.name, name)


def _describe(name: str, country: str) -> str:
    return f"{name!r} ({country})"


def _unit_scale(item: CooItem) -> tuple[str, float] | None:
    """("count", 1) or ("grams", grams per unit); None: the unit is not compared."""
    unit = (item.unit or "").strip().casefold().rstrip(".")
    if not unit or unit in _COUNTED_UNITS:
        return ("count", 1.0)
    grams = _GRAMS_PER_UNIT.get(unit)
    return None if grams is None else ("grams", grams)


def _declared_amount(lines: Sequence[ContentLine], item: CooItem) -> float | None:
    """What the lines declare in the certificate item's unit, or None if incomparable."""
    scale = _unit_scale(item)
    if scale is None:
        return None
    kind, grams = scale
    if kind == "count":
        return float(sum(line.quantity for line in lines))
    return sum(line.net_weight_g for line in lines) / grams


def _amount_text(value: float) -> str:
    return f"{value:g}"


def _quantity_text(item: CooItem, *, declared: float, certified: float, hs_code: str) -> str:
    amounts = {"declared": _amount_text(declared), "certified": _amount_text(certified)}
    if item.unit:
        return texts.QUANTITY_OVER_CERTIFIED_IN_UNIT.render(
            unit=item.unit, hs_code=hs_code, **amounts
        )
    return texts.QUANTITY_OVER_CERTIFIED.render(hs_code=hs_code, **amounts)


def _reuse_quantity_text(item: CooItem, **params: str) -> str:
    if item.unit:
        return texts.REUSED_BEYOND_QUANTITY_IN_UNIT.render(unit=item.unit, **params)
    return texts.REUSED_BEYOND_QUANTITY.render(**params)


def consumed_quantities(claims: CooClaims, manifest: Manifest | None) -> dict[str, float]:
    """HS6 → what this parcel draws from the certificate, in the certificate's units.

    Empty when it cannot be told (no manifest, or no comparable item).
    """
    if manifest is None:
        return {}
    out: dict[str, float] = {}
    for hs_code, items in _items_by_hs(claims).items():
        lines = [line for line in manifest.lines if (line.hs_code or "")[:6] == hs_code]
        amount = _declared_amount(lines, items[0]) if lines else None
        if amount is not None:
            out[hs_code] = amount
    return out


def _items_by_hs(claims: CooClaims) -> dict[str, list[CooItem]]:
    grouped: dict[str, list[CooItem]] = defaultdict(list)
    for item in claims.items:
        grouped[item.hs_code].append(item)
    return dict(grouped)


def _certified_amount(items: Sequence[CooItem]) -> float | None:
    """Total of items of one HS6 in one comparable unit system, else None."""
    scales = {_unit_scale(item) for item in items}
    if len(scales) != 1 or None in scales:
        return None
    return sum(item.quantity for item in items)


def cross_check(
    claims: CooClaims, manifest: Manifest | None, *, parcel_date: datetime
) -> tuple[CertificateMismatch, ...]:
    """Every mismatch between the certificate and the parcel (its date, and its
    manifest when there is one)."""
    out: list[CertificateMismatch] = []
    if manifest is not None:
        out.extend(_party_findings(claims, manifest))
        out.extend(_item_findings(claims, manifest))
    if not claims.issued_at <= parcel_date <= claims.expires_at:
        number, scanned = claims.certificate_number, f"{parcel_date:%Y-%m-%d}"
        if parcel_date > claims.expires_at:
            explanation = texts.EXPIRED_BEFORE_SCAN.render(
                number=number, expired=f"{claims.expires_at:%Y-%m-%d}", scanned=scanned
            )
        else:
            explanation = texts.ISSUED_AFTER_SCAN.render(
                number=number, issued=f"{claims.issued_at:%Y-%m-%d}", scanned=scanned
            )
        out.append(CertificateMismatch(MismatchKind.VALIDITY, "amber", explanation))
    return tuple(out)


def _party_findings(claims: CooClaims, manifest: Manifest) -> list[CertificateMismatch]:
    out: list[CertificateMismatch] = []
    sender: ManifestParty = manifest.sender
    seller = manifest.express.seller if manifest.express is not None else None
    exporter = claims.exporter
    exporter_ok = _same_party(exporter, sender.name, sender.country) or (
        seller is not None and _same_party(exporter, seller.name, seller.country)
    )
    if not exporter_ok:
        exporter_shown = _describe(exporter.name, exporter.country)
        sender_shown = _describe(sender.name, sender.country)
        if seller is not None:
            explanation = texts.EXPORTER_NOT_SENDER_OR_SELLER.render(
                exporter=exporter_shown,
                sender=sender_shown,
                seller=_describe(seller.name, seller.country),
            )
        else:
            explanation = texts.EXPORTER_NOT_SENDER.render(
                exporter=exporter_shown, sender=sender_shown
            )
        out.append(CertificateMismatch(MismatchKind.EXPORTER, "amber", explanation))
    importer, addressee = claims.importer, manifest.addressee
    if not _same_party(importer, addressee.name, addressee.country):
        out.append(
            CertificateMismatch(
                MismatchKind.IMPORTER,
                "amber",
                texts.IMPORTER_NOT_ADDRESSEE.render(
                    importer=_describe(importer.name, importer.country),
                    addressee=_describe(addressee.name, addressee.country),
                ),
            )
        )
    return out


def _item_findings(claims: CooClaims, manifest: Manifest) -> list[CertificateMismatch]:
    lines = manifest.lines
    if not any(line.hs_code for line in lines):
        return [
            CertificateMismatch(MismatchKind.HS_UNCHECKABLE, "amber", texts.NO_HS_CODES.render())
        ]
    out: list[CertificateMismatch] = []
    for hs_code, items in _items_by_hs(claims).items():
        matched = [i for i, line in enumerate(lines) if (line.hs_code or "")[:6] == hs_code]
        names = ", ".join(repr(item.description) for item in items)
        if not matched:
            near = [i for i, line in enumerate(lines) if (line.hs_code or "")[:4] == hs_code[:4]]
            if near:
                first = near[0]
                explanation = texts.HS_OTHER_SUBHEADING.render(
                    hs_code=hs_code,
                    items=names,
                    line=str(first + 1),
                    declared_hs=str(lines[first].hs_code),
                )
            else:
                explanation = texts.HS_NOT_DECLARED.render(hs_code=hs_code, items=names)
            out.append(
                CertificateMismatch(
                    MismatchKind.HS_NOT_DECLARED,
                    "amber",
                    explanation,
                    hs_code=hs_code,
                    declared_line=near[0] if near else None,
                )
            )
            continue
        for index in matched:
            origin = lines[index].origin_country
            if origin is not None and origin != claims.origin_country:
                out.append(
                    CertificateMismatch(
                        MismatchKind.ORIGIN,
                        "amber",
                        texts.ORIGIN_MISMATCH.render(
                            line=str(index + 1),
                            description=repr(lines[index].description),
                            origin=origin,
                            certified=claims.origin_country,
                        ),
                        hs_code=hs_code,
                        declared_line=index,
                    )
                )
        certified = _certified_amount(items)
        declared = _declared_amount([lines[i] for i in matched], items[0])
        if (
            certified is not None
            and declared is not None
            and declared > certified + _QUANTITY_SLACK
        ):
            out.append(
                CertificateMismatch(
                    MismatchKind.QUANTITY,
                    "amber",
                    _quantity_text(items[0], declared=declared, certified=certified,
                                   hs_code=hs_code),
                    hs_code=hs_code,
                    declared_line=matched[0],
                )
            )
    return out


def reuse_findings(
    claims: CooClaims,
    *,
    consumed: Mapping[str, float],
    importer: str | None,
    uses: Sequence[CertificateUse],
) -> tuple[CertificateMismatch, ...]:
    """Findings from the other parcels (``uses``) this certificate number was presented on."""
    if not uses:
        return ()
    number = claims.certificate_number
    out: list[CertificateMismatch] = []
    if importer is not None:
        others = sorted(
            {use.importer for use in uses if use.importer and not same_name(use.importer, importer)}
        )
        if others:
            parcels = _parcels(u for u in uses if u.importer in others)
            out.append(
                CertificateMismatch(
                    MismatchKind.REUSED_IMPORTER,
                    "amber",
                    texts.REUSED_FOR_OTHER_IMPORTER.render(
                        number=number,
                        importers=", ".join(repr(o) for o in others),
                        parcels=parcels,
                    ),
                )
            )
    if not consumed or any(not use.consumed for use in uses):
        out.append(
            CertificateMismatch(
                MismatchKind.REUSED,
                "amber",
                texts.REUSED_UNCHECKED.render(
                    number=number, count=str(len(uses)), parcels=_parcels(uses)
                ),
            )
        )
        return tuple(out)
    for hs_code, items in _items_by_hs(claims).items():
        certified = _certified_amount(items)
        if certified is None or hs_code not in consumed:
            continue
        total = consumed[hs_code] + sum(use.consumed.get(hs_code, 0.0) for use in uses)
        if total > certified + _QUANTITY_SLACK:
            drawing = [use for use in uses if use.consumed.get(hs_code)]
            out.append(
                CertificateMismatch(
                    MismatchKind.REUSED_QUANTITY,
                    "amber",
                    _reuse_quantity_text(
                        items[0],
                        number=number,
                        certified=_amount_text(certified),
                        hs_code=hs_code,
                        total=_amount_text(total),
                        count=str(len(drawing) + 1),
                        parcels=_parcels(drawing),
                    ),
                    hs_code=hs_code,
                )
            )
    return tuple(out)


def _parcels(uses: Iterable[CertificateUse]) -> str:
    names = [f"{use.tracking_id or use.scan_id} at {use.station_id}" for use in uses]
    shown = names[:3]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(shown) + more
