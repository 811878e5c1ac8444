"""Parcel manifests: UPU S10 ids, CN22/CN23 customs data, declared-vs-seen matching.

Submodules:

- ``s10``: ``validate(text) -> S10Id``, ``is_valid``, ``S10Error``
- ``model``: the frozen ``Manifest`` dataclasses and ``ManifestError``
- ``parse``: JSON → ``Manifest`` at the edge (``parse_manifest``, ``load_manifest``)
- ``hs_classes``: the editable HS code → detector class table
- ``matching``: ``match(manifest, detections, alarms, config=...)`` → ``Discrepancy``s
"""

from station_app.manifests.model import Category, ContentLine, Manifest, ManifestError, Party
from station_app.manifests.s10 import S10Error, S10Id

__all__ = [
    "Category",
    "ContentLine",
    "Manifest",
    "ManifestError",
    "Party",
    "S10Error",
    "S10Id",
]
