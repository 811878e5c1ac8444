"""The technician's workspace core (Qt-free): image-quality test runs, the
calibration wizard, detector diagnostics and the calibration history."""
