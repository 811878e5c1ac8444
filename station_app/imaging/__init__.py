"""Imaging core: detector calibration, parcel assembly, dual-energy materials.

Runtime code here never imports the simulator; it measures like a real scanner.
"""

from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import (
    CalibrationError,
    CalibrationSet,
    CalibrationStats,
    Calibrator,
    build_calibration,
    check_usable,
)
from station_app.imaging.materials import (
    MaterialAnalyzer,
    MaterialModel,
    MaterialModelError,
    ReferencePoint,
    RejectedReference,
    Residual,
    zeff_of_formula,
)

__all__ = [
    "CalibrationError",
    "CalibrationSet",
    "CalibrationStats",
    "Calibrator",
    "MaterialAnalyzer",
    "MaterialModel",
    "MaterialModelError",
    "ParcelAssembler",
    "ReferencePoint",
    "RejectedReference",
    "Residual",
    "build_calibration",
    "check_usable",
    "zeff_of_formula",
]
