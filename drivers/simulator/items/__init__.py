"""Item library of the simulator.

Every builder has the signature ``build(rng, pitch_mm) -> ItemModel`` and draws
one random variant of its item in the item's own frame (see ``model.py``).
``THREAT_BUILDERS`` holds the detector's classes, ``CLUTTER_BUILDERS`` the
everyday contents that fill parcels.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from drivers.simulator.items.clutter import (
    build_books,
    build_clothes,
    build_coins,
    build_cosmetics,
    build_food,
    build_keys,
    build_shoes,
    build_toys,
    build_umbrella,
)
from drivers.simulator.items.containers import build_cardboard_box, build_postal_bag
from drivers.simulator.items.electronics import (
    build_cables,
    build_laptop,
    build_lithium_battery,
    build_smartphone,
)
from drivers.simulator.items.goods import (
    build_cigarette_carton,
    build_liquid_bottle,
    build_pill_bottle,
    build_powder_packet,
)
from drivers.simulator.items.weapons import (
    build_ammunition,
    build_handgun,
    build_knife,
    build_scissors,
)
from drivers.simulator.model import ItemModel

Builder = Callable[[np.random.Generator, float], ItemModel]

THREAT_BUILDERS: dict[str, Builder] = {
    "handgun": build_handgun,
    "knife": build_knife,
    "scissors": build_scissors,
    "ammunition": build_ammunition,
    "lithium_battery": build_lithium_battery,
    "laptop": build_laptop,
    "smartphone": build_smartphone,
    "liquid_bottle": build_liquid_bottle,
    "cigarette_carton": build_cigarette_carton,
    "pill_bottle": build_pill_bottle,
    "powder_packet": build_powder_packet,
}

CLUTTER_BUILDERS: dict[str, Builder] = {
    "clothes": build_clothes,
    "books": build_books,
    "shoes": build_shoes,
    "cables": build_cables,
    "cosmetics": build_cosmetics,
    "food": build_food,
    "toys": build_toys,
    "umbrella": build_umbrella,
    "keys": build_keys,
    "coins": build_coins,
}

__all__ = [
    "CLUTTER_BUILDERS",
    "THREAT_BUILDERS",
    "Builder",
    "build_cardboard_box",
    "build_postal_bag",
]
