"""Detector dataset: simulator parcels through the station's calibration, COCO and YOLO out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from drivers.simulator import SimulatedScanner
from drivers.simulator.scene import rle_to_mask
from models.train import dataset as ds
from models.train.labels import (
    LabelError,
    class_names,
    detector_classes,
    parse_label_file,
)

pytestmark = pytest.mark.slow

# The station calibrates with the 570 mm standard wedge: the narrowest detector that holds it.
PIXELS = 640
SEED = 3
SPLITS = {"train": 11, "val": 12, "test": 13}
COUNTS = {"train": 4, "val": 1, "test": 1}


def _generate(out: Path, workers: int = 1) -> dict[str, Any]:
    spec = ds.SimulationSpec(out=out, counts=COUNTS, split_seeds=SPLITS, seed=SEED,
                             pixels=PIXELS, workers=workers)
    return ds.simulate(spec)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    _generate(out)
    return out


def _coco(root: Path, split: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (root / "annotations" / f"instances_{split}.json").read_text(encoding="utf-8"))
    return data


def test_files_exist(dataset: Path) -> None:
    for split, n in COUNTS.items():
        coco = _coco(dataset, split)
        assert len(coco["images"]) == n
        for image in coco["images"]:
            channels = np.load(dataset / "images" / image["file_name"])
            assert channels.dtype == np.float16
            assert channels.shape == (image["height"], image["width"], 3)
            assert image["width"] == PIXELS
            assert np.isfinite(channels).all()
            preview = cv2.imread(str(dataset / "previews" / image["preview_file_name"]))
            assert preview is not None and preview.shape == (image["height"], image["width"], 3)
            stem = Path(image["file_name"]).stem
            assert (dataset / "labels" / split / f"{stem}.txt").is_file()
    assert (dataset / "data.yaml").is_file()
    meta = json.loads((dataset / "dataset.json").read_text(encoding="utf-8"))
    assert meta["channels"] == ["a_high", "a_low", "zeff_scaled"]


def test_channels_are_physical(dataset: Path) -> None:
    coco = _coco(dataset, "train")
    channels = np.load(dataset / "images" / coco["images"][0]["file_name"]).astype(np.float32)
    a_high, a_low, z = channels[..., 0], channels[..., 1], channels[..., 2] * ds.ZEFF_SCALE
    inside = a_high > 0.2
    assert inside.any() and (~inside).any()
    edges = np.concatenate([a_high[:, :8], a_high[:, -8:]], axis=1)
    assert abs(float(np.median(edges))) < 0.03  # air beside the parcel
    assert np.median(a_low[inside] - a_high[inside]) > 0  # low energy attenuates more
    assert 4.0 < float(np.median(z[inside])) < 30.0


def test_coco_structure(dataset: Path) -> None:
    category_ids = {c.category_id for c in detector_classes()}
    total = 0
    for split in COUNTS:
        coco = _coco(dataset, split)
        assert {c["id"] for c in coco["categories"]} == category_ids
        images = {i["id"]: i for i in coco["images"]}
        assert len(images) == len(coco["images"])
        ann_ids = [a["id"] for a in coco["annotations"]]
        assert len(set(ann_ids)) == len(ann_ids)
        for image in coco["images"]:
            assert image["difficulty"] in ds.DIFFICULTIES
        for ann in coco["annotations"]:
            image = images[ann["image_id"]]
            assert ann["category_id"] in category_ids
            x, y, w, h = ann["bbox"]
            assert w > 0 and h > 0 and x >= 0 and y >= 0
            assert x + w <= image["width"] and y + h <= image["height"]
            mask = ds.coco_rle_to_mask(ann["segmentation"])
            assert mask.shape == (image["height"], image["width"])
            assert int(mask.sum()) == ann["area"] > 0
            ys, xs = np.nonzero(mask)
            assert [xs.min(), ys.min(), xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min()] == [
                x, y, w, h]
        total += len(coco["annotations"])
    assert total > 0, "no detector-class item in any parcel: pick other split seeds"


def test_boxes_match_truth(dataset: Path) -> None:
    scanners: dict[str, SimulatedScanner] = {}
    for split in COUNTS:
        coco = _coco(dataset, split)
        names = {c["id"]: c["name"] for c in coco["categories"]}
        for image in coco["images"]:
            difficulty = image["difficulty"]
            scanner = scanners.setdefault(difficulty, SimulatedScanner(
                seed=SEED, pixels=PIXELS, parcels=0, difficulty=difficulty))
            parcel = scanner.render_parcel(image["parcel_seed"])
            assert parcel.plan.tracking_id == image["tracking_id"]
            expected = sorted(
                (t.class_name, t.box[1], t.box[0], t.box[3] - t.box[1], t.box[2] - t.box[0])
                for t in parcel.truth if t.is_threat_class)
            got = sorted((names[a["category_id"]], *a["bbox"])
                         for a in coco["annotations"] if a["image_id"] == image["id"])
            assert got == expected
            # the masks are the truth masks, placed in the image
            for t in parcel.truth:
                if not t.is_threat_class:
                    continue
                line0, px0, line1, px1 = t.box
                local = rle_to_mask(t.mask_rle, (line1 - line0, px1 - px0))
                assert any(
                    np.array_equal(ds.coco_rle_to_mask(a["segmentation"])[line0:line1, px0:px1],
                                   local)
                    for a in coco["annotations"] if a["image_id"] == image["id"])


def test_splits_disjoint_and_deterministic(dataset: Path, tmp_path: Path) -> None:
    seeds = {split: {i["parcel_seed"] for i in _coco(dataset, split)["images"]}
             for split in COUNTS}
    assert not (seeds["train"] & seeds["val"] or seeds["train"] & seeds["test"]
                or seeds["val"] & seeds["test"])
    again = tmp_path / "again"
    _generate(again, workers=2)
    for split in COUNTS:
        assert _coco(again, split) == _coco(dataset, split)
        for image in _coco(dataset, split)["images"]:
            a = (dataset / "images" / image["file_name"]).read_bytes()
            b = (again / "images" / image["file_name"]).read_bytes()
            assert a == b
            stem = Path(image["file_name"]).stem
            assert ((dataset / "labels" / split / f"{stem}.txt").read_text()
                    == (again / "labels" / split / f"{stem}.txt").read_text())


def test_yolo_lines(dataset: Path) -> None:
    n_lines = 0
    for split in COUNTS:
        coco = _coco(dataset, split)
        for image in coco["images"]:
            stem = Path(image["file_name"]).stem
            lines = (dataset / "labels" / split / f"{stem}.txt").read_text().splitlines()
            anns = [a for a in coco["annotations"] if a["image_id"] == image["id"]]
            assert len(lines) == len(anns)
            for line, ann in zip(lines, anns, strict=True):
                fields = line.split()
                assert len(fields) == 5
                assert int(fields[0]) == ann["category_id"] - 1
                xc, yc, w, h = (float(f) for f in fields[1:])
                assert all(0.0 <= v <= 1.0 for v in (xc, yc, w, h))
                x, y, bw, bh = ann["bbox"]
                assert xc == pytest.approx((x + bw / 2) / image["width"], abs=1e-6)
                assert yc == pytest.approx((y + bh / 2) / image["height"], abs=1e-6)
                n_lines += 1
    assert n_lines > 0


def test_label_file() -> None:
    classes = detector_classes()
    assert class_names() == ("handgun", "knife", "scissors", "ammunition", "lithium_battery",
                             "laptop", "smartphone", "liquid_bottle", "cigarette_carton",
                             "pill_bottle", "powder_packet")
    for c in classes:
        assert c.en.strip() and c.ko.strip()
        assert any("\uac00" <= ch <= "\ud7a3" for ch in c.ko)  # Hangul
    assert [c.category_id for c in classes] == list(range(1, len(classes) + 1))
    # the simulator's detector classes are exactly these
    from drivers.simulator.items import THREAT_BUILDERS

    assert set(THREAT_BUILDERS) == set(class_names())
    with pytest.raises(LabelError, match="lacks ko"):
        parse_label_file({"classes": [{"name": "knife", "en": "Knife"}]})


@pytest.mark.parametrize(("argv", "message"), [
    (["--pixels", "256"], "too narrow"),
    (["--difficulty-mix", "easy:1,tricky:1"], "tricky"),
    (["--split-seeds", "train=1,val=1"], "own seed"),
    (["--parcels", "train=3"], "must match"),
    (["--parcels", "many"], "not an integer"),
    (["--format", "voc"], "invalid choice"),
])
def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                       message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        ds.main(["--out", str(tmp_path / "x"), *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_parse_parcels_total() -> None:
    assert ds.parse_parcels("10", ["train", "val", "test"]) == {"train": 8, "val": 1, "test": 1}
    assert sum(ds.parse_parcels("7", ["train", "val", "test"]).values()) == 7


def test_import_real_scans(tmp_path: Path) -> None:
    source = tmp_path / "scans" / "train"
    source.mkdir(parents=True)
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 2, (50, 80)).astype(np.float32)
    np.savez(source / "scan1.npz", a_high=a, a_low=a * 1.3, zeff=np.full_like(a, 9.0))
    (source / "scan1.json").write_text(json.dumps(
        {"difficulty": "hard", "objects": [{"class": "knife", "bbox": [10, 5, 20, 30]}]}))
    out = tmp_path / "out"
    assert ds.main(["--out", str(out), "--from-scans", str(tmp_path / "scans")]) == 0
    coco = _coco(out, "train")
    assert coco["images"][0]["difficulty"] == "hard"
    assert coco["annotations"][0]["bbox"] == [10, 5, 20, 30]
    assert (out / "labels" / "train" / "scan1.txt").read_text().startswith("1 0.250000 ")
    channels = np.load(out / "images" / "train" / "scan1.npy")
    assert channels.shape == (50, 80, 3)
    np.testing.assert_allclose(channels[..., 2], 9.0 / ds.ZEFF_SCALE, rtol=1e-3)
