"""DICOS (NEMA IIC 1 v3) export of parcels: DX images and Threat Detection Reports.

See docs/dicos.md for the mapping of station data to DICOS attributes.
"""

from station_app.dicos.common import DicosError, DicosSource, WrittenFile
from station_app.dicos.parcel import DicosFiles, write_operator_tdr, write_parcel
from station_app.dicos.read import (
    DxMetadata,
    TdrSummary,
    read_dx,
    read_presentation,
    read_tdr,
)
from station_app.dicos.tdr import Pto
from station_app.dicos.tip import TipMarking, write_tip_parcel

__all__ = [
    "DicosError",
    "DicosFiles",
    "DicosSource",
    "DxMetadata",
    "Pto",
    "TdrSummary",
    "TipMarking",
    "WrittenFile",
    "read_dx",
    "read_presentation",
    "read_tdr",
    "write_operator_tdr",
    "write_parcel",
    "write_tip_parcel",
]
