"""Roles, permissions and workspaces: who may do what at the station.

One explicit table (``ROLE_PERMISSIONS``) is the whole policy; the core
services check it (``principal.require``), the GUI only reads it to decide
what to show. A role gets what its job needs and nothing else:

- an inspector inspects parcels, decides them and records what opening a
  flagged parcel found (the physical check);
- a supervisor may do the same and also reviews flagged parcels, overrides
  decisions, sees personal data on manifests, reads the audit trail and exports;
- a technician calibrates and runs diagnostics, and never sees parcels;
- an administrator manages accounts and configuration and sees diagnostics,
  but never inspects or decides a parcel, never sees personal data, never
  overrides: who hands out the rights is not who uses them (separation of duties).
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Role(StrEnum):
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    TECHNICIAN = "technician"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    INSPECT = "inspect"  # see parcel images, alarms, manifests (masked)
    DECIDE = "decide"  # record clear / open / hold on a parcel
    RECORD_CHECK = "record_check"  # what opening a flagged parcel found (physical check)
    REVIEW = "review"  # flagged parcels and statistics
    OVERRIDE = "override"  # change another person's decision
    VIEW_PERSONAL_DATA = "view_personal_data"  # names, addresses, phones on manifests
    VIEW_AUDIT = "view_audit"
    EXPORT = "export"  # audit trail, reports
    CALIBRATE = "calibrate"
    DIAGNOSTICS = "diagnostics"  # scanner, calibration and detector status
    MANAGE_ACCOUNTS = "manage_accounts"
    CONFIGURE = "configure"


_P = Permission
ROLE_PERMISSIONS: Final = MappingProxyType(
    {
        Role.INSPECTOR: frozenset({_P.INSPECT, _P.DECIDE, _P.RECORD_CHECK}),
        Role.SUPERVISOR: frozenset(
            {
                _P.INSPECT,
                _P.DECIDE,
                _P.RECORD_CHECK,
                _P.REVIEW,
                _P.OVERRIDE,
                _P.VIEW_PERSONAL_DATA,
                _P.VIEW_AUDIT,
                _P.EXPORT,
            }
        ),
        Role.TECHNICIAN: frozenset({_P.CALIBRATE, _P.DIAGNOSTICS}),
        Role.ADMINISTRATOR: frozenset(
            {_P.MANAGE_ACCOUNTS, _P.CONFIGURE, _P.VIEW_AUDIT, _P.DIAGNOSTICS}
        ),
    }
)


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]


class Workspace(StrEnum):
    """The screens of the application; each needs every permission listed for it."""

    INSPECTION = "inspection"  # the inspector workspace (image, decision, manifest)
    REVIEW = "review"  # supervisor: review queue, overrides, statistics, shift report
    TECHNICIAN = "technician"  # calibration wizard, diagnostics, image-quality test
    STATION_STATUS = "station_status"  # scanner, calibration, detector (read-only)
    ACCOUNTS = "accounts"  # list, create, disable, unlock, reset, change role


WORKSPACE_PERMISSIONS: Final = MappingProxyType(
    {
        Workspace.INSPECTION: frozenset({_P.INSPECT, _P.DECIDE}),
        Workspace.REVIEW: frozenset({_P.REVIEW}),
        Workspace.TECHNICIAN: frozenset({_P.CALIBRATE, _P.DIAGNOSTICS}),
        Workspace.STATION_STATUS: frozenset({_P.DIAGNOSTICS}),
        Workspace.ACCOUNTS: frozenset({_P.MANAGE_ACCOUNTS}),
    }
)


def workspaces_for(role: Role) -> tuple[Workspace, ...]:
    """The workspaces a role may open, in the order the shell shows them."""
    granted = ROLE_PERMISSIONS[role]
    return tuple(w for w, needs in WORKSPACE_PERMISSIONS.items() if needs <= granted)
