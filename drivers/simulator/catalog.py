"""Materials the simulator knows: chemical formula and density.

Names are what item builders use in ``Layer.material``. Formulas are parsed by
xraydb (``material_mu``); mixtures use mass fractions written as a formula of
their average composition.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    formula: str
    density_g_cm3: float
    note: str = ""


_SPECS = (
    # plastics and organics
    MaterialSpec("polyethylene", "C2H4", 0.94),
    MaterialSpec("polypropylene", "C3H6", 0.90),
    MaterialSpec("pom", "CH2O", 1.41, "polyoxymethylene (Delrin), step-wedge organic"),
    MaterialSpec("pmma", "C5H8O2", 1.18),
    MaterialSpec("abs", "C15H17N", 1.05, "ABS plastic, approximate composition"),
    MaterialSpec("nylon", "C12H22N2O2", 1.14),
    MaterialSpec("pvc", "C2H3Cl", 1.38),
    MaterialSpec("pet", "C10H8O4", 1.38),
    MaterialSpec("rubber", "C5H8", 0.95),
    MaterialSpec("graphite", "C", 2.0),
    MaterialSpec("water", "H2O", 1.0),
    MaterialSpec("spirits", "H2O0.872C0.064H0.191O0.064", 0.95, "40 % ethanol by volume"),
    MaterialSpec("ethanol", "C2H5OH", 0.789),
    MaterialSpec("glycerin", "C3H8O3", 1.26, "cosmetics base"),
    MaterialSpec("sugar", "C12H22O11", 1.59),
    MaterialSpec("starch", "C6H10O5", 1.5),
    MaterialSpec("paper", "C6H10O5", 0.8, "cellulose"),
    MaterialSpec("cardboard", "C6H10O5", 0.55, "corrugated board, effective density"),
    MaterialSpec("cotton", "C6H10O5", 0.35, "folded clothes, effective density"),
    MaterialSpec("leather", "C5H9NO2", 0.86),
    MaterialSpec("tobacco", "C6H10O5", 0.25, "cut tobacco in cigarettes, effective density"),
    MaterialSpec("food", "C6H12O6H2O2", 1.05, "moist food, approximate"),
    MaterialSpec("cocaine_hcl", "C17H22ClNO4", 0.9, "compressed powder, bulk density"),
    MaterialSpec("heroin", "C21H23NO5", 0.85, "compressed powder, bulk density"),
    MaterialSpec("tnt", "C7H5N3O6", 1.65),
    MaterialSpec("smokeless_powder", "C6H7N3O11", 0.95, "nitrocellulose propellant, bulk"),
    MaterialSpec("pill_mass", "C6H10O5C2H4O2", 1.2, "tablets: starch, lactose, API"),
    MaterialSpec("wood", "C6H10O5", 0.65, "hardwood handles and grips"),
    MaterialSpec("foam", "C6H10O2", 0.2, "EVA / PU foam: shoe midsoles, padding"),
    # inorganics and light metals
    MaterialSpec("glass", "SiO2Na0.3Ca0.1O0.4", 2.5, "soda-lime glass"),
    MaterialSpec("fr4", "SiO2C3H4O", 1.85, "printed circuit board"),
    MaterialSpec("silicon", "Si", 2.33),
    MaterialSpec("aluminium", "Al", 2.70),
    MaterialSpec("magnesium", "Mg", 1.74),
    MaterialSpec("salt", "NaCl", 2.16),
    MaterialSpec("ceramic", "Al2O3", 3.9),
    MaterialSpec("lco", "LiCoO2", 4.8, "lithium cobalt oxide cathode mass"),
    MaterialSpec("li_electrolyte", "C3H4O3LiPF6", 1.3, "carbonate electrolyte with LiPF6"),
    MaterialSpec("mno2", "MnO2", 3.2, "alkaline-cell cathode mix, effective density"),
    # metals
    MaterialSpec("titanium", "Ti", 4.51),
    MaterialSpec("steel", "Fe0.98C0.02", 7.85),
    MaterialSpec("stainless_steel", "Fe0.7Cr0.19Ni0.11", 7.9),
    MaterialSpec("iron", "Fe", 7.87),
    MaterialSpec("nickel", "Ni", 8.9),
    MaterialSpec("copper", "Cu", 8.96),
    MaterialSpec("zinc", "Zn", 7.14),
    MaterialSpec("brass", "Cu0.67Zn0.33", 8.5),
    MaterialSpec("tin", "Sn", 7.31),
    MaterialSpec("lead", "Pb", 11.34),
    MaterialSpec("tungsten", "W", 19.3),
)

MATERIALS: dict[str, MaterialSpec] = {spec.name: spec for spec in _SPECS}


def material(name: str) -> MaterialSpec:
    try:
        return MATERIALS[name]
    except KeyError:
        raise KeyError(f"unknown simulator material {name!r}; known: {sorted(MATERIALS)}") from None
