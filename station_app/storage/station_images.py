"""The image store a running station uses: DICOS files with its own renderer.

Kept apart from ``storage.images`` so that the file store itself does not depend
on rendering; the composition root (``station.Station``) calls this.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from drivers.base import ScannerInfo
from station_app.config import StationConfig
from station_app.domain import ParcelScan
from station_app.imaging.render import Renderer
from station_app.storage.images import DicosSettings, ImageStore


def station_image_store(
    config: StationConfig, scanner: Callable[[], ScannerInfo | None]
) -> ImageStore:
    """DICOS files under ``config.image_dir``; DX For Presentation in the standard colours.

    The renderer is this store's own: it runs on the pipeline thread, and a
    ``Renderer`` keeps scratch buffers (not thread-safe), so it is never the GUI's.
    """
    renderer = Renderer(config.materials)

    def render(parcel: ParcelScan) -> NDArray[np.uint8]:
        return renderer.render(parcel.image)

    return ImageStore(
        config.image_dir,
        dicos=DicosSettings(station_id=config.station_id, render=render, scanner=scanner),
    )
