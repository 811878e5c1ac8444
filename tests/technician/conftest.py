"""Fixtures of the technician tests (helpers in ``technician_helpers``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from technician_helpers import Calibrated, calibrated_scanner


@pytest.fixture(scope="session")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Calibrated]:
    """SIM-0001 at its nominal tube current, calibrated the way a technician would."""
    result = calibrated_scanner(tmp_path_factory.mktemp("technician"))
    yield result
    result.scanner.close()
