"""Personal data on manifests, shown only to those who need it.

Inspectors judge what is in a parcel: the declared contents, values, HS codes
and countries. Names, addresses and phone numbers of sender and addressee, the
seller's name and the order and payment references are personal data they do
not need; only roles with ``Permission.VIEW_PERSONAL_DATA`` (supervisors) see
them. ``manifest_for_principal`` is what every screen showing a manifest calls.

Masked fields read ``MASK`` (so a screen shows that something was withheld,
not that nothing was declared); the phone becomes None because a phone field
holds digits only. Countries, categories, content lines, weights, values, the
tracking id and the waybills stay: they are what the inspection is about.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from station_app.accounts.principal import Principal
from station_app.accounts.roles import Permission
from station_app.manifests.model import ExpressDetails, Manifest, Party, Seller

MASK: Final = "•••"


def _party(party: Party) -> Party:
    return Party(name=MASK, address=MASK, country=party.country, phone=None)


def _express(details: ExpressDetails | None) -> ExpressDetails | None:
    if details is None:
        return None
    seller = details.seller
    return replace(
        details,
        seller=None if seller is None else Seller(MASK, seller.country, seller.seller_id),
        order_reference=None if details.order_reference is None else MASK,
        payment_reference=None if details.payment_reference is None else MASK,
    )


def mask_personal_data(manifest: Manifest) -> Manifest:
    """A copy of ``manifest`` with the personal data replaced by ``MASK``."""
    return replace(
        manifest,
        sender=_party(manifest.sender),
        addressee=_party(manifest.addressee),
        express=_express(manifest.express),
    )


def manifest_for_principal(manifest: Manifest, principal: Principal | None) -> Manifest:
    """The manifest as ``principal`` may see it; nobody signed in sees it masked."""
    if principal is not None and principal.can(Permission.VIEW_PERSONAL_DATA):
        return manifest
    return mask_personal_data(manifest)
