"""Controlled goods: liquid_bottle, cigarette_carton, pill_bottle, powder_packet.

Containers lie on their side on the belt, so the beam crosses a bottle's wall
twice (the wall chord) and the liquid settles under a flat surface.
"""

from __future__ import annotations

import math

import numpy as np

from drivers.simulator.items._shapes import (
    Canvas,
    box_shell,
    cylinder_side,
    ellipse,
    revolve_side,
    slab,
)
from drivers.simulator.model import ItemModel

# (volume label, body radius mm, total length mm, neck radius mm, materials allowed)
_BOTTLES: tuple[tuple[str, float, float, float, tuple[str, ...]], ...] = (
    ("330ml", 31.0, 225.0, 13.0, ("glass", "pet")),
    ("500ml", 32.5, 205.0, 13.5, ("pet", "glass")),
    ("700ml", 40.0, 290.0, 14.0, ("glass",)),
    ("750ml", 38.0, 300.0, 14.5, ("glass",)),
    ("1l", 42.0, 280.0, 14.0, ("glass", "pet")),
    ("1.5l", 45.0, 320.0, 14.0, ("pet",)),
    ("200ml_flask", 30.0, 160.0, 11.0, ("glass", "pet")),
)


def build_liquid_bottle(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Water or spirits in a glass or PET bottle lying on its side."""
    label, r_body, length, r_neck, mats = _BOTTLES[int(rng.integers(len(_BOTTLES)))]
    r_body *= rng.uniform(0.95, 1.05)
    length *= rng.uniform(0.95, 1.05)
    shell = str(rng.choice(list(mats)))
    liquid = "spirits" if (shell == "glass" and rng.random() < 0.6) else "water"
    wall = rng.uniform(2.5, 4.0) if shell == "glass" else rng.uniform(0.25, 0.4)
    base_t = rng.uniform(4.0, 8.0) if shell == "glass" else 1.5
    body_len = length * rng.uniform(0.55, 0.68)
    shoulder_len = length * rng.uniform(0.1, 0.18)
    cap_len = rng.uniform(12.0, 22.0)
    us = np.array([0.0, body_len, body_len + shoulder_len, length - cap_len * 0.5, length])
    rs = np.array([r_body, r_body, r_neck, r_neck, r_neck])
    inner_us = np.array([0.0, base_t, base_t + 0.01, body_len, body_len + shoulder_len, length])
    inner_rs = np.array([0.0, 0.0, r_body - wall, r_body - wall, r_neck - wall, r_neck - wall])
    outer_on_inner = np.interp(inner_us, us, rs)
    cv = Canvas(2 * r_body + 6.0, length + 6.0, pitch_mm)
    y = cv.height_mm / 2
    p0, p1 = (y, 3.0), (y, 3.0 + length)
    revolve_side(cv, shell, p0, p1, inner_us, outer_on_inner, inner_r_mm=inner_rs)
    fill_end = length - cap_len - rng.uniform(5.0, 30.0)
    # sample the liquid at the profile's own knots: resampling would ramp the base step
    fu = np.concatenate(([base_t + 0.01], inner_us[(inner_us > base_t + 0.01)
                                                  & (inner_us < fill_end)], [fill_end]))
    fr = np.interp(fu, inner_us, inner_rs)
    revolve_side(cv, liquid, (y, 3.0 + fu[0]), (y, 3.0 + fill_end), fu - fu[0], fr,
                 fill_level=float(rng.uniform(0.8, 0.97)))
    cap_mat = "polypropylene" if shell == "pet" else str(rng.choice(["aluminium", "polypropylene"]))
    c0 = (y, 3.0 + length - cap_len)
    cylinder_side(cv, cap_mat, c0, p1, r_neck + 1.6, inner_r_mm=r_neck + 0.2)
    cylinder_side(cv, cap_mat, (y, 3.0 + length - 1.2), p1, r_neck + 1.6)  # cap top
    if rng.random() < 0.4:  # paper label round the body
        cylinder_side(cv, "paper", (y, 3.0 + body_len * 0.2), (y, 3.0 + body_len * 0.9),
                      r_body + 0.1, inner_r_mm=r_body)
    return cv.to_item("liquid_bottle", is_threat_class=True, variant=f"{shell}_{liquid}_{label}")


def build_cigarette_carton(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """A carton of 10 packs of 20 (5 across, 2 deep), lying on its largest face."""
    slim = bool(rng.random() < 0.3)
    cig_r, cig_len = (2.7, 100.0) if slim else (3.9, 84.0)
    rows = (10, 10) if slim else (7, 6, 7)  # cigarettes per row, rows stacked along the beam
    filter_len = rng.uniform(20.0, 27.0)
    cols = max(rows)
    pack_w = cols * 2 * cig_r + 1.0
    pack_h = cig_len + 2.0
    pack_d = len(rows) * 2 * cig_r * 0.93 + 1.0
    packs = 10 if rng.random() < 0.8 else int(rng.integers(6, 10))
    cv = Canvas(pack_h + 6.0, 5 * pack_w + 6.0, pitch_mm)
    # one pack: the summed tobacco chords are a 1-D profile across the pack
    pack = Canvas(pack_h, pack_w, pitch_mm)
    win = pack.full()
    x = win.x_mm[0]
    prof = np.zeros_like(x)
    for n in rows:
        x0 = (pack_w - n * 2 * cig_r) / 2
        centers = x0 + cig_r + 2 * cig_r * np.arange(n, dtype=np.float32)
        d = x[None, :] - centers[:, None]
        prof += (2 * np.sqrt(np.maximum(cig_r**2 - d**2, 0.0))).sum(axis=0)
    y = win.y_mm
    tobacco_rows = (y > 1.0) & (y < 1.0 + cig_len - filter_len)
    filter_rows = (y >= 1.0 + cig_len - filter_len) & (y < 1.0 + cig_len)
    pack.add("tobacco", win, tobacco_rows * prof[None, :])
    # acetate filters: ~0.1 g/cm³, written as paper (0.8 g/cm³) of 1/8 the chord
    pack.add("paper", win, filter_rows * prof[None, :] * np.float32(0.12))
    pack.add("paper", win, np.full(win.shape, 0.05 * sum(rows) / cols * 2, np.float32))
    pack.add("aluminium", win, np.full(win.shape, 0.014, np.float32))  # inner foil
    box_shell(pack, "cardboard", (pack_h / 2, pack_w / 2), (pack_h, pack_w), height_mm=pack_d,
              wall_mm=0.35, plate_mm=0.35)
    for k in range(packs):
        col, layer = divmod(k, 2)
        del layer  # the second pack of a column lies under the first, along the beam
        cv.stamp(pack, (3.0, 3.0 + col * pack_w))
    c = (cv.height_mm / 2, cv.width_mm / 2)
    box_shell(cv, "cardboard", c, (pack_h + 2.0, 5 * pack_w + 2.0), height_mm=2 * pack_d + 2.0,
              wall_mm=0.45)
    slab(cv, "polypropylene", c, (pack_h + 2.0, 5 * pack_w + 2.0), 0.05)  # cellophane
    variant = ("slim" if slim else "king_size") + ("" if packs == 10 else "_opened")
    return cv.to_item("cigarette_carton", is_threat_class=True, variant=variant)


def build_pill_bottle(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """An HDPE bottle or PP pharmacy vial of tablets, lying on its side."""
    kind = str(rng.choice(["hdpe_bottle", "pp_vial"], p=[0.6, 0.4]))
    r = rng.uniform(20.0, 32.0) if kind == "hdpe_bottle" else rng.uniform(14.0, 20.0)
    length = rng.uniform(60.0, 110.0) if kind == "hdpe_bottle" else rng.uniform(50.0, 90.0)
    shell = "polyethylene" if kind == "hdpe_bottle" else "polypropylene"
    wall = rng.uniform(1.0, 1.6)
    cap_len = rng.uniform(12.0, 20.0)
    cv = Canvas(2 * r + 8.0, length + 6.0, pitch_mm)
    y = cv.height_mm / 2
    body_end = length - cap_len
    us = [0.0, wall, wall + 0.01, body_end - 6.0, body_end]
    outer = [r, r, r, r, r * 0.8]
    inner = [0.0, 0.0, r - wall, r - wall, r * 0.8 - wall]
    revolve_side(cv, shell, (y, 3.0), (y, 3.0 + body_end), us, outer, inner_r_mm=inner)
    cylinder_side(cv, "polypropylene", (y, 3.0 + body_end - 4.0), (y, 3.0 + length), r * 0.8 + 2.0,
                  inner_r_mm=r * 0.8 + 0.2)  # child-resistant cap: outer shell
    cylinder_side(cv, "polypropylene", (y, 3.0 + length - 2.5), (y, 3.0 + length), r * 0.8 + 2.0)
    form = str(rng.choice(["round", "caplet", "capsule"], p=[0.5, 0.3, 0.2]))
    if form == "round":
        dia, thick = rng.uniform(6.0, 12.0), rng.uniform(2.8, 5.0)
    elif form == "caplet":
        dia, thick = rng.uniform(14.0, 21.0), rng.uniform(5.0, 7.0)
    else:
        dia, thick = rng.uniform(14.0, 23.0), rng.uniform(5.5, 8.5)
    # lying bottle: the tablets settle into the lower part of its volume, which projects
    # as a band across the full inner width; count from a packing fraction of ~0.55
    fill = rng.uniform(0.2, 0.9)
    vol_inner = math.pi * (r - wall) ** 2 * (body_end - 2 * wall)
    tab_vol = math.pi * (dia / 2) ** 2 * thick if form == "round" else dia * thick * thick * 0.8
    n = int(min(60, max(3, fill * vol_inner * 0.4 / tab_vol)))
    ri = r - wall - 1.0
    pos_y = rng.uniform(-ri + thick / 2, ri - thick / 2, n)
    pos_x = rng.uniform(3.0 + wall + dia / 2, 3.0 + body_end - dia / 2 - 2.0, n)
    on_edge = rng.random(n) < (0.4 if form == "round" else 0.15)
    angles = rng.uniform(0.0, 180.0, n)
    for k in range(n):
        c = (y + float(pos_y[k]), float(pos_x[k]))
        if form == "round" and not on_edge[k]:  # lying flat: a disc with a domed face
            ellipse(cv, "pill_mass", c, (dia / 2, dia / 2), thick, dome=True)
            ellipse(cv, "pill_mass", c, (dia / 2, dia / 2), thick * 0.45)
        elif on_edge[k]:  # standing on its rim: a thin lens outline, diameter deep
            ellipse(cv, "pill_mass", c, (thick / 2, dia / 2), dia * 0.9, angle_deg=float(angles[k]),
                    dome=True)
        else:  # caplets and capsules lie on their long side
            ellipse(cv, "pill_mass", c, (thick / 2 + 0.5, dia / 2), thick,
                    angle_deg=float(angles[k]), dome=True)
            if form == "capsule":
                ellipse(cv, "pmma", c, (thick / 2 + 0.5, dia / 2), 0.25, angle_deg=float(angles[k]))
    return cv.to_item("pill_bottle", is_threat_class=True, variant=f"{kind}_{form}")


def build_powder_packet(rng: np.random.Generator, pitch_mm: float) -> ItemModel:
    """Drug-like powder: a wrapped brick, a flat pouch, or swallowed-style pellets."""
    drug = str(rng.choice(["cocaine_hcl", "heroin"]))
    kind = str(rng.choice(["brick", "flat_pouch", "pellets"], p=[0.4, 0.4, 0.2]))
    if kind == "brick":
        h, w, t = rng.uniform(150.0, 225.0), rng.uniform(100.0, 145.0), rng.uniform(25.0, 50.0)
        cv = Canvas(h + 8.0, w + 8.0, pitch_mm)
        c = (cv.height_mm / 2, cv.width_mm / 2)
        slab(cv, drug, c, (h, w), t, corner_mm=6.0, edge_mm=5.0)
        # many turns of cling film and packing tape: seen through both faces plus the rim
        box_shell(cv, "polyethylene", c, (h + 2.0, w + 2.0), height_mm=t, wall_mm=1.0,
                  plate_mm=rng.uniform(0.3, 1.2), corner_mm=6.0)
        slab(cv, "pvc", c, (h + 2.0, w * 0.6), 0.15)
        if rng.random() < 0.25:  # foil or carbon-paper layer meant to mask the contents
            slab(cv, "aluminium", c, (h, w), 0.05)
    elif kind == "flat_pouch":
        h, w, t = rng.uniform(90.0, 220.0), rng.uniform(70.0, 150.0), rng.uniform(4.0, 16.0)
        cv = Canvas(h + 8.0, w + 8.0, pitch_mm)
        c = (cv.height_mm / 2, cv.width_mm / 2)
        slab(cv, drug, c, (h - 6.0, w - 6.0), t, corner_mm=8.0, edge_mm=min(10.0, w / 4))
        slab(cv, "polyethylene", c, (h, w), 0.15, corner_mm=3.0)  # two film walls
        box_shell(cv, "polyethylene", c, (h, w), height_mm=1.0, wall_mm=5.0, plate_mm=0.0,
                  corner_mm=3.0)  # heat-sealed rim
    else:
        n = int(rng.integers(5, 25))
        pl, pd = rng.uniform(25.0, 45.0), rng.uniform(11.0, 16.0)
        side = math.sqrt(n) * pl * 0.9 + pl
        cv = Canvas(side, side, pitch_mm)
        for _ in range(n):
            c = (float(rng.uniform(pl / 2 + 2, side - pl / 2 - 2)),
                 float(rng.uniform(pl / 2 + 2, side - pl / 2 - 2)))
            a = float(rng.uniform(0.0, 180.0))
            ellipse(cv, drug, c, (pd / 2, pl / 2), pd * 0.95, angle_deg=a, dome=True)
            ellipse(cv, "rubber", c, (pd / 2 + 0.4, pl / 2 + 0.4), 0.6, angle_deg=a)  # latex
    return cv.to_item("powder_packet", is_threat_class=True, variant=f"{kind}_{drug}")
