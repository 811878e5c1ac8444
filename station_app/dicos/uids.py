"""SOP Class UIDs of the DICOS objects the station writes, and how it makes instance UIDs.

Instance UIDs use the ``2.25.<uuid as integer>`` scheme (ISO/IEC 9834-8, DICOM
PS3.5 B.2): no organisation root has to be registered and the UIDs are still
globally unique. They are *derived* (UUIDv5) from the station id, the scan id
and the role of the object, so exporting the same parcel twice yields the same
Study/Series/SOP Instance UIDs instead of two unrelated copies in an archive.
"""

from __future__ import annotations

import uuid

DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.501.2.1"
DX_FOR_PROCESSING = "1.2.840.10008.5.1.4.1.1.501.2.2"
TDR = "1.2.840.10008.5.1.4.1.1.501.3"

SOP_CLASS_NAMES = {
    DX_FOR_PRESENTATION: "DICOS DX For Presentation",
    DX_FOR_PROCESSING: "DICOS DX For Processing",
    TDR: "DICOS Threat Detection Report",
}

# Fixed namespace of this project: uuid5(NAMESPACE_URL, "station_app/dicos").
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://station-app.invalid/dicos")

# Identifies the software that wrote a file (File Meta Implementation Class UID).
IMPLEMENTATION_CLASS_UID = "2.25." + str(uuid.uuid5(_NAMESPACE, "implementation").int)
IMPLEMENTATION_VERSION_NAME = "STATION_APP_01"  # SH, at most 16 characters


def derived_uid(*parts: str) -> str:
    """A stable ``2.25.`` UID for the given parts (at most 44 characters, under 64)."""
    return "2.25." + str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)).int)


def random_uid() -> str:
    return "2.25." + str(uuid.uuid4().int)
