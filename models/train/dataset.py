"""Detector datasets of physical channels: the model sees what the station sees.

Simulated parcels are imaged by ``drivers.simulator`` and then go through the
station's own calibration (``station_calibration.run_calibration``: dark, air,
step wedge) and its own ``MaterialAnalyzer``, exactly as a real scan would.
Each image is written as

* ``images/<split>/<name>.npy``: float16 (lines, pixels, 3), channel-last:
  0 = A_high, 1 = A_low (log attenuation -ln(I/I0), unscaled: 0 is air, about 7
  and above is impenetrable), 2 = Zeff / ``ZEFF_SCALE`` (0 where air).
* ``previews/<split>/<name>.png``: the station's standard colour display, 8-bit RGB,
  for people only (never train on it).
* ``annotations/instances_<split>.json``: COCO; ``labels/<split>/<name>.txt``: YOLO.

Image axes: row ``y`` is the scan line along the belt (time), column ``x`` is the
detector pixel across the belt; boxes are ``[x, y, w, h]`` in those pixels (COCO)
or normalised centre/size (YOLO). Only the detector's classes (``labels.py``)
are annotated; clutter and containers are background.

Splits are disjoint by construction: parcel ``i`` of a split with seed ``s`` has
parcel seed ``s * SPLIT_STRIDE + i``. Everything is a pure function of the
arguments, so a rerun reproduces the files bit for bit (only ``dataset.json``'s
calibration id differs). Real, hand-labelled scans go through the same writer
with ``--from-scans`` (docs/detector-dataset.md).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from models.train.labels import (
    LabelError,
    class_by_name,
    coco_categories,
    detector_classes,
    label_file_text,
)
from station_app.detection import model_input

ZEFF_SCALE = model_input.ZEFF_SCALE  # Zeff / 30: organics ~0.2-0.33, metals above ~0.58
CHANNELS = ("a_high", "a_low", "zeff_scaled")
SPLIT_STRIDE = 1_000_000  # parcel seeds of one split: [seed * stride, seed * stride + count)
DIFFICULTIES = ("easy", "hard", "hidden")
DEFAULT_FRACTIONS = {"train": 0.8, "val": 0.1, "test": 0.1}
FORMATS = ("coco", "yolo", "both")
DATASET_VERSION = 1


class DatasetError(ValueError):
    """A bad argument or input; the message says what to change."""


# ----------------------------------------------------------------------------- arguments


def _pairs(text: str, sep: str, what: str) -> list[tuple[str, str]]:
    items = [part.strip() for part in text.split(",") if part.strip()]
    if not items:
        raise DatasetError(f"{what}: empty")
    out: list[tuple[str, str]] = []
    for item in items:
        key, found, value = item.partition(sep)
        if not found or not key.strip() or not value.strip():
            raise DatasetError(f"{what}: {item!r} is not NAME{sep}VALUE")
        out.append((key.strip(), value.strip()))
    keys = [k for k, _ in out]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise DatasetError(f"{what}: {', '.join(dupes)} given twice")
    return out


def _int(value: str, what: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise DatasetError(f"{what}: {value!r} is not an integer") from None
    if number < minimum:
        raise DatasetError(f"{what}: {number} is below {minimum}")
    return number


def parse_split_seeds(text: str) -> dict[str, int]:
    """``"train=1,val=2,test=3"`` → {split: seed}; seeds distinct, >= 0."""
    seeds = {k: _int(v, f"--split-seeds {k}", 0) for k, v in _pairs(text, "=", "--split-seeds")}
    for name in seeds:
        if not name.isidentifier():
            raise DatasetError(f"--split-seeds: split name {name!r} must be a plain word")
    values = list(seeds.values())
    if len(set(values)) != len(values):
        raise DatasetError("--split-seeds: each split needs its own seed (splits are disjoint)")
    return seeds


def parse_parcels(text: str, splits: Sequence[str]) -> dict[str, int]:
    """``"100"`` (a total, shared 80/10/10 by train/val/test) or ``"train=80,val=10,..."``."""
    text = text.strip()
    if "=" in text:
        counts = {k: _int(v, f"--parcels {k}", 0) for k, v in _pairs(text, "=", "--parcels")}
        unknown = sorted(set(counts) - set(splits))
        missing = sorted(set(splits) - set(counts))
        if unknown or missing:
            raise DatasetError(f"--parcels names splits {sorted(counts)}, --split-seeds names "
                               f"{sorted(splits)}: they must match")
    else:
        total = _int(text, "--parcels", 1)
        weights = [DEFAULT_FRACTIONS.get(s, 1.0 / max(1, len(splits))) for s in splits]
        shares = [total * w / sum(weights) for w in weights]
        counts = {s: math.floor(x) for s, x in zip(splits, shares, strict=True)}
        # largest remainder, ties to the earlier split: the counts add up to the total
        order = sorted(range(len(splits)), key=lambda i: (-(shares[i] % 1.0), i))
        for i in order[: total - sum(counts.values())]:
            counts[splits[i]] += 1
    too_many = [s for s, n in counts.items() if n >= SPLIT_STRIDE]
    if too_many:
        raise DatasetError(f"--parcels: at most {SPLIT_STRIDE - 1} per split")
    return counts


def parse_difficulty_mix(text: str) -> dict[str, float]:
    """``"easy:0.4,hard:0.4,hidden:0.2"`` → probabilities (normalised to sum 1)."""
    mix: dict[str, float] = {}
    for key, value in _pairs(text, ":", "--difficulty-mix"):
        if key not in DIFFICULTIES:
            raise DatasetError(f"--difficulty-mix: {key!r} is not one of {', '.join(DIFFICULTIES)}")
        try:
            weight = float(value)
        except ValueError:
            raise DatasetError(f"--difficulty-mix: {value!r} is not a number") from None
        if not math.isfinite(weight) or weight < 0:
            raise DatasetError(f"--difficulty-mix: weight of {key} must be >= 0")
        mix[key] = weight
    total = sum(mix.values())
    if total <= 0:
        raise DatasetError("--difficulty-mix: weights sum to 0")
    return {k: mix.get(k, 0.0) / total for k in DIFFICULTIES}


def parcel_seeds(split_seed: int, count: int) -> range:
    return range(split_seed * SPLIT_STRIDE, split_seed * SPLIT_STRIDE + count)


def difficulty_for(seed: int, parcel_seed: int, mix: Mapping[str, float]) -> str:
    """The parcel's difficulty: a function of the dataset seed and the parcel seed only."""
    u = float(np.random.default_rng([seed, parcel_seed, 0xD1F]).random())
    edge = 0.0
    for name in DIFFICULTIES:
        edge += mix.get(name, 0.0)
        if u < edge:
            return name
    return max(DIFFICULTIES, key=lambda d: mix.get(d, 0.0))


# ----------------------------------------------------------------------------- encoding


def encode_channels(
    a_high: NDArray[np.floating[Any]], a_low: NDArray[np.floating[Any]],
    zeff: NDArray[np.floating[Any]],
) -> NDArray[np.float16]:
    """float16 (lines, pixels, 3): the station's detector channels (``model_input``)."""
    try:
        return model_input.encode_channels(a_high, a_low, zeff).astype(np.float16)
    except model_input.ModelInputError as exc:
        raise DatasetError(str(exc)) from exc


def coco_rle(mask: NDArray[np.bool_]) -> dict[str, Any]:
    """Uncompressed COCO RLE of a full-image mask (column-major runs, starting with 0s)."""
    flat = np.asarray(mask, dtype=bool).ravel(order="F")
    h, w = (int(mask.shape[0]), int(mask.shape[1]))
    if flat.size == 0:
        return {"size": [h, w], "counts": []}
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    runs = np.diff(np.concatenate(([0], edges, [flat.size])))
    counts = [int(r) for r in runs]
    if flat[0]:
        counts.insert(0, 0)
    return {"size": [h, w], "counts": counts}


def coco_rle_to_mask(rle: Mapping[str, Any]) -> NDArray[np.bool_]:
    """Inverse of :func:`coco_rle`."""
    h, w = (int(rle["size"][0]), int(rle["size"][1]))
    lengths = np.asarray(rle["counts"], dtype=np.int64)
    values = np.arange(lengths.size) % 2 == 1
    return np.repeat(values, lengths).reshape((w, h)).T.copy()


@dataclass(frozen=True)
class LabelledObject:
    """One annotated item: class name, box ``(x, y, w, h)`` in pixels, optional full mask."""

    class_name: str
    box_xywh: tuple[int, int, int, int]
    mask: NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)
    variant: str = ""


def objects_from_truth(truth: Iterable[Any], shape: tuple[int, int]) -> list[LabelledObject]:
    """Simulator ``ItemTruth`` → objects of the detector's classes, clipped to the image."""
    from drivers.simulator.scene import rle_to_mask

    height, width = shape
    out: list[LabelledObject] = []
    for item in truth:
        if not item.is_threat_class:
            continue
        line0, px0, line1, px1 = (int(v) for v in item.box)
        local = rle_to_mask(item.mask_rle, (line1 - line0, px1 - px0))
        full = np.zeros((height, width), dtype=bool)
        y0, x0, y1, x1 = max(line0, 0), max(px0, 0), min(line1, height), min(px1, width)
        if y1 <= y0 or x1 <= x0:
            continue
        full[y0:y1, x0:x1] = local[y0 - line0:y1 - line0, x0 - px0:x1 - px0]
        rows, cols = np.any(full, axis=1), np.any(full, axis=0)
        if not rows.any():
            continue
        # the tight box of the visible mask (equals the truth box unless clipped)
        ys, xs = np.flatnonzero(rows), np.flatnonzero(cols)
        box = (int(xs[0]), int(ys[0]), int(xs[-1] + 1 - xs[0]), int(ys[-1] + 1 - ys[0]))
        out.append(LabelledObject(item.class_name, box, full, item.variant))
    return out


# ----------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class ImageRecord:
    split: str
    name: str
    height: int
    width: int
    objects: tuple[LabelledObject, ...]
    attributes: Mapping[str, Any]


def image_paths(out: Path, split: str, name: str) -> tuple[Path, Path]:
    """(channels .npy, preview .png) of one image."""
    return (out / "images" / split / f"{name}.npy", out / "previews" / split / f"{name}.png")


def write_image(out: Path, split: str, name: str, channels: NDArray[np.float16],
                preview_rgb: NDArray[np.uint8]) -> None:
    npy, png = image_paths(Path(out), split, name)
    npy.parent.mkdir(parents=True, exist_ok=True)
    png.parent.mkdir(parents=True, exist_ok=True)
    np.save(npy, channels, allow_pickle=False)
    if not cv2.imwrite(str(png), cv2.cvtColor(preview_rgb, cv2.COLOR_RGB2BGR)):
        raise OSError(f"could not write {png}")


class DatasetWriter:
    """Writes images as they come and the COCO / YOLO label files at :meth:`finish`.

    Used for simulated parcels and for real labelled scans alike.
    """

    def __init__(self, out: Path, formats: str = "both") -> None:
        if formats not in FORMATS:
            raise DatasetError(f"--format must be one of {', '.join(FORMATS)}, got {formats!r}")
        self.out = Path(out)
        self.formats = formats
        self._records: dict[str, list[ImageRecord]] = {}
        self._renderer: Any = None
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "classes.json").write_text(label_file_text(), encoding="utf-8")

    def write_image(self, split: str, name: str, channels: NDArray[np.float16],
                    preview_rgb: NDArray[np.uint8]) -> None:
        write_image(self.out, split, name, channels, preview_rgb)

    def add(self, record: ImageRecord) -> None:
        for obj in record.objects:
            class_by_name(obj.class_name)  # unknown classes are an error, not silently dropped
            x, y, w, h = obj.box_xywh
            if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > record.width or (
                    y + h > record.height):
                raise DatasetError(f"{record.split}/{record.name}: box {obj.box_xywh} is empty "
                                   f"or outside the {record.width}×{record.height} image")
        self._records.setdefault(record.split, []).append(record)

    def finish(self) -> dict[str, int]:
        """Write the label files; returns images per split."""
        for split, records in self._records.items():
            records.sort(key=lambda r: r.name)
            if self.formats in ("coco", "both"):
                self._write_coco(split, records)
            if self.formats in ("yolo", "both"):
                self._write_yolo(split, records)
        if self.formats in ("yolo", "both"):
            self._write_yolo_yaml(sorted(self._records))
        return {split: len(records) for split, records in self._records.items()}

    def _write_coco(self, split: str, records: Sequence[ImageRecord]) -> None:
        images: list[dict[str, Any]] = []
        annotations: list[dict[str, Any]] = []
        for image_id, rec in enumerate(records, start=1):
            images.append({
                "id": image_id, "file_name": f"{split}/{rec.name}.npy",
                "preview_file_name": f"{split}/{rec.name}.png",
                "width": rec.width, "height": rec.height, **rec.attributes,
            })
            for obj in rec.objects:
                x, y, w, h = obj.box_xywh
                ann: dict[str, Any] = {
                    "id": len(annotations) + 1, "image_id": image_id,
                    "category_id": class_by_name(obj.class_name).category_id,
                    "bbox": [x, y, w, h], "iscrowd": 0,
                }
                if obj.mask is not None:
                    ann["segmentation"] = coco_rle(obj.mask)
                    ann["area"] = int(np.count_nonzero(obj.mask))
                else:
                    ann["segmentation"] = [[x, y, x + w, y, x + w, y + h, x, y + h]]
                    ann["area"] = w * h
                if obj.variant:
                    ann["variant"] = obj.variant
                annotations.append(ann)
        coco = {
            "info": {"description": "station_app detector dataset (A_high, A_low, Zeff/"
                     f"{ZEFF_SCALE:g}); x = pixel across the belt, y = line along it",
                     "version": str(DATASET_VERSION)},
            "licenses": [],
            "images": images,
            "annotations": annotations,
            "categories": coco_categories(),
        }
        path = self.out / "annotations" / f"instances_{split}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(coco, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")

    def _write_yolo(self, split: str, records: Sequence[ImageRecord]) -> None:
        directory = self.out / "labels" / split
        directory.mkdir(parents=True, exist_ok=True)
        for rec in records:
            lines = []
            for obj in rec.objects:
                x, y, w, h = obj.box_xywh
                lines.append(f"{class_by_name(obj.class_name).index} "
                             f"{(x + w / 2) / rec.width:.6f} {(y + h / 2) / rec.height:.6f} "
                             f"{w / rec.width:.6f} {h / rec.height:.6f}")
            (directory / f"{rec.name}.txt").write_text(
                "".join(line + "\n" for line in lines), encoding="utf-8")

    def _write_yolo_yaml(self, splits: Sequence[str]) -> None:
        lines = ["# YOLO layout; images are .npy (3 physical channels), see dataset.json",
                 f"path: {self.out.resolve()}"]
        lines += [f"{split}: images/{split}" for split in splits]
        lines.append("names:")
        lines += [f"  {c.index}: {c.name}" for c in detector_classes()]
        (self.out / "data.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def dataset_readme() -> dict[str, Any]:
    return {
        "version": DATASET_VERSION,
        "channels": list(CHANNELS),
        "layout": "numpy .npy, float16, (lines, pixels, 3) channel-last",
        "normalisation": {"a_high": "-ln(I/I0), unscaled", "a_low": "-ln(I/I0), unscaled",
                          "zeff_scaled": f"Zeff / {ZEFF_SCALE:g}, 0 where air"},
        "axes": {"y": "scan line along the belt", "x": "detector pixel across the belt"},
        "category_id": "labels index + 1 (COCO); YOLO class = index",
    }


# ----------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class SimulationSpec:
    out: Path
    counts: Mapping[str, int]
    split_seeds: Mapping[str, int]
    seed: int = 3
    pixels: int = 1024
    difficulty_mix: Mapping[str, float] = field(
        default_factory=lambda: {"easy": 0.4, "hard": 0.4, "hidden": 0.2})
    formats: str = "both"
    workers: int = 1
    serial: str = "SIM-0001"


@dataclass(frozen=True)
class ParcelJob:
    split: str
    parcel_seed: int
    difficulty: str


@dataclass(frozen=True)
class CalibratedStation:
    """What each worker needs: the stored calibration and the scanner settings."""

    seed: int
    pixels: int
    serial: str
    calibration: bytes
    material_model: bytes


class ParcelSimulator:
    def __init__(self, state: CalibratedStation, out: Path | None = None) -> None:
        from drivers.simulator import SimulatedScanner
        from station_app.config import MaterialsConfig
        from station_app.imaging.calibration import CalibrationSet, Calibrator
        from station_app.imaging.materials import MaterialAnalyzer, MaterialModel
        from station_app.imaging.render import Renderer

        materials = MaterialsConfig()
        self.analyzer = MaterialAnalyzer(
            Calibrator(CalibrationSet.from_bytes(state.calibration)),
            MaterialModel.from_bytes(state.material_model), materials)
        self.renderer = Renderer(materials)
        self.scanners: dict[str, Any] = {}
        physics = None
        for difficulty in DIFFICULTIES:
            scanner = SimulatedScanner(seed=state.seed, pixels=state.pixels, parcels=0,
                                       serial=state.serial, difficulty=difficulty,
                                       physics=physics)
            physics = scanner.physics
            self.scanners[difficulty] = scanner
        self.out = out

    def simulate(self, job: ParcelJob) -> tuple[Any, list[LabelledObject], str]:
        """One parcel through the station's calibration and materials code:
        (``MaterialImage``, labelled objects, difficulty)."""
        image, parcel = self._scan(job)
        return (image, objects_from_truth(parcel.truth, image.shape),
                str(parcel.plan.difficulty))

    def _scan(self, job: ParcelJob) -> tuple[Any, Any]:
        from station_app.domain import RawScan

        scanner = self.scanners[job.difficulty]
        parcel = scanner.render_parcel(job.parcel_seed)
        info = scanner.info
        raw = RawScan(f"p{job.parcel_seed}", info.serial, 0, parcel.high_counts,
                      parcel.low_counts, 0, 0, info.line_pitch_mm, info.pitch_mm,
                      tracking_id=parcel.plan.tracking_id)
        return self.analyzer.process(raw), parcel

    def run(self, job: ParcelJob) -> ImageRecord:
        if self.out is None:
            raise DatasetError("this simulator was made without an output directory")
        scanner = self.scanners[job.difficulty]
        info = scanner.info
        image, parcel = self._scan(job)
        channels = encode_channels(image.a_high, image.a_low, image.zeff)
        rgba = self.renderer.render(image)
        name = f"p{job.parcel_seed:010d}"
        write_image(self.out, job.split, name, channels, np.ascontiguousarray(rgba[..., :3]))
        height, width = image.shape
        return ImageRecord(
            job.split, name, height, width,
            tuple(objects_from_truth(parcel.truth, (height, width))),
            {"difficulty": parcel.plan.difficulty, "parcel_seed": job.parcel_seed,
             "tracking_id": parcel.plan.tracking_id, "source": "simulator",
             "line_pitch_mm": info.line_pitch_mm, "pixel_pitch_mm": info.pitch_mm},
        )


_WORKER: ParcelSimulator | None = None


def _init_worker(state: CalibratedStation, out: Path) -> None:
    global _WORKER
    _WORKER = ParcelSimulator(state, out)


def _run_job(job: ParcelJob) -> ImageRecord:
    assert _WORKER is not None
    return _WORKER.run(job)


def calibrate_station(seed: int, pixels: int, serial: str) -> CalibratedStation:
    """Dark, air and step wedge through ``station_calibration.run_calibration``."""
    from drivers.simulator import SimulatedScanner
    from station_app.config import StationConfig
    from station_app.imaging.wedge import load_wedge_spec
    from station_app.station_calibration import run_calibration

    config = StationConfig()
    scanner = SimulatedScanner(seed=seed, pixels=pixels, parcels=0, serial=serial)
    wedge = load_wedge_spec(config.calibration.wedge_spec)
    belt_mm = pixels * scanner.info.pitch_mm
    if belt_mm < 1.1 * wedge.size_across_mm:
        raise DatasetError(
            f"--pixels {pixels}: the detector ({belt_mm:g} mm) is too narrow for the "
            f"{wedge.size_across_mm:g} mm step wedge the station calibrates with; "
            f"use --pixels {math.ceil(1.1 * wedge.size_across_mm / scanner.info.pitch_mm)} or more")
    scanner.open()
    try:
        detector, model, _ = run_calibration(config, scanner)
    except Exception as exc:  # the station's own error says what went wrong
        raise DatasetError(f"station calibration failed for --seed {seed}: {exc} "
                           "(try another --seed)") from exc
    finally:
        scanner.close()
    return CalibratedStation(seed, pixels, serial, detector.to_bytes(), model.to_bytes())


def simulate(spec: SimulationSpec, progress: bool = False) -> dict[str, Any]:
    """Calibrate once, render every parcel, write the dataset; returns a summary."""
    if spec.workers < 1:
        raise DatasetError("--workers must be >= 1")
    started = time.perf_counter()
    state = calibrate_station(spec.seed, spec.pixels, spec.serial)
    calibrated = time.perf_counter()
    writer = DatasetWriter(spec.out, spec.formats)
    jobs = [
        ParcelJob(split, ps, difficulty_for(spec.seed, ps, spec.difficulty_mix))
        for split, split_seed in spec.split_seeds.items()
        for ps in parcel_seeds(split_seed, spec.counts.get(split, 0))
    ]
    records: Iterable[ImageRecord]
    if spec.workers == 1 or len(jobs) < 2:
        worker = ParcelSimulator(state, spec.out)
        records = map(worker.run, jobs)
        pool = None
    else:
        pool = multiprocessing.get_context().Pool(
            spec.workers, initializer=_init_worker, initargs=(state, spec.out))
        records = pool.imap(_run_job, jobs, chunksize=1)
    try:
        for done, record in enumerate(records, start=1):
            writer.add(record)
            if progress and (done % 10 == 0 or done == len(jobs)):
                print(f"\r{done}/{len(jobs)} parcels", end="", file=sys.stderr, flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if progress and jobs:
        print(file=sys.stderr)
    per_split = writer.finish()
    finished = time.perf_counter()
    summary = {
        **dataset_readme(),
        "source": "simulator",
        "seed": spec.seed, "pixels": spec.pixels, "serial": spec.serial,
        "difficulty_mix": dict(spec.difficulty_mix),
        "splits": {s: {"seed": spec.split_seeds[s],
                       "parcel_seeds": [spec.split_seeds[s] * SPLIT_STRIDE,
                                        spec.split_seeds[s] * SPLIT_STRIDE
                                        + spec.counts.get(s, 0)],
                       "images": per_split.get(s, 0)} for s in spec.split_seeds},
        "calibration_seconds": round(calibrated - started, 3),
        "render_seconds": round(finished - calibrated, 3),
    }
    (Path(spec.out) / "dataset.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


# ----------------------------------------------------------------------------- real scans


def import_scans(source: Path, out: Path, formats: str = "both") -> dict[str, int]:
    """Real labelled scans → the same dataset layout (see docs/detector-dataset.md).

    ``source/<split>/<name>.npz`` holds float arrays ``a_high``, ``a_low``, ``zeff``
    (lines, pixels) as the station's ``MaterialImage``; ``<name>.json`` beside it holds
    ``{"objects": [{"class": "knife", "bbox": [x, y, w, h]}, ...]}`` plus optional
    ``"difficulty"`` and other image attributes.
    """
    from station_app.config import MaterialsConfig
    from station_app.domain import MaterialClass, MaterialImage
    from station_app.imaging.render import Renderer

    source = Path(source)
    splits = sorted(p for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
    if not splits:
        raise DatasetError(f"--from-scans {source}: expected split folders (train/, val/, ...)")
    writer = DatasetWriter(out, formats)
    materials = MaterialsConfig()
    renderer = Renderer(materials)
    for split_dir in splits:
        for npz in sorted(split_dir.glob("*.npz")):
            label_path = npz.with_suffix(".json")
            if not label_path.is_file():
                raise DatasetError(f"{npz}: no label file {label_path.name} beside it")
            with np.load(npz, allow_pickle=False) as arrays:
                try:
                    a_high, a_low, zeff = (np.asarray(arrays[k], np.float32)
                                           for k in ("a_high", "a_low", "zeff"))
                except KeyError as exc:
                    raise DatasetError(f"{npz}: lacks array {exc}") from None
            channels = encode_channels(a_high, a_low, zeff)
            labels = json.loads(label_path.read_text(encoding="utf-8"))
            objects = []
            for obj in labels.get("objects", []):
                try:
                    class_by_name(str(obj["class"]))
                    x, y, w, h = (round(float(v)) for v in obj["bbox"])
                except (KeyError, TypeError, ValueError, LabelError) as exc:
                    raise DatasetError(f"{label_path}: bad object {obj!r} ({exc})") from None
                objects.append(LabelledObject(str(obj["class"]), (x, y, w, h)))
            # the display needs only air / impenetrable from the classes
            cls = np.full(a_high.shape, MaterialClass.ORGANIC, np.uint8)
            cls[a_high < materials.air_max_attenuation] = MaterialClass.AIR
            cls[a_high >= materials.impenetrable_min_attenuation] = MaterialClass.IMPENETRABLE
            image = MaterialImage(a_high, a_low, zeff, cls, 1.0, 1.0)
            rgba = renderer.render(image)
            writer.write_image(split_dir.name, npz.stem, channels,
                               np.ascontiguousarray(rgba[..., :3]))
            attributes = {k: v for k, v in labels.items() if k != "objects"}
            attributes.setdefault("source", "scanner")
            writer.add(ImageRecord(split_dir.name, npz.stem, int(a_high.shape[0]),
                                   int(a_high.shape[1]), tuple(objects), attributes))
    per_split = writer.finish()
    (Path(out) / "dataset.json").write_text(json.dumps(
        {**dataset_readme(), "source": "scanner", "splits": per_split}, indent=2) + "\n",
        encoding="utf-8")
    return per_split


# ----------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m models.train.dataset",
        description="Write a detector dataset of (A_high, A_low, Zeff) images: simulated "
                    "parcels through the station's calibration and material analysis, or real "
                    "labelled scans (--from-scans).")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--parcels", default="100",
                   help="total (shared train 80%%, val 10%%, test 10%%) or per split: "
                        "train=800,val=100,test=100 (default 100)")
    p.add_argument("--seed", type=int, default=3,
                   help="scanner seed: detector instance, noise, difficulty draw (default 3)")
    p.add_argument("--split-seeds", default="train=1,val=2,test=3",
                   help=f"one seed per split; parcel seeds are seed*{SPLIT_STRIDE}+i "
                        "(default train=1,val=2,test=3)")
    p.add_argument("--pixels", type=int, default=1024, help="detector pixels (default 1024)")
    p.add_argument("--difficulty-mix", default="easy:0.4,hard:0.4,hidden:0.2",
                   help="parcel difficulty probabilities (default easy:0.4,hard:0.4,hidden:0.2)")
    p.add_argument("--format", default="both", choices=FORMATS, help="label files to write")
    p.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    p.add_argument("--serial", default="SIM-0001", help="simulated detector serial")
    p.add_argument("--from-scans", type=Path, default=None,
                   help="import real labelled scans from this folder instead of simulating")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.from_scans is not None:
            counts = import_scans(args.from_scans, args.out, args.format)
            print(json.dumps({"images": counts}))
            return 0
        split_seeds = parse_split_seeds(args.split_seeds)
        spec = SimulationSpec(
            out=args.out, counts=parse_parcels(args.parcels, list(split_seeds)),
            split_seeds=split_seeds, seed=args.seed, pixels=args.pixels,
            difficulty_mix=parse_difficulty_mix(args.difficulty_mix), formats=args.format,
            workers=args.workers, serial=args.serial)
        if args.seed < 0:
            raise DatasetError("--seed must be >= 0")
        summary = simulate(spec, progress=True)
    except DatasetError as exc:
        parser.error(str(exc))
    n = sum(s["images"] for s in summary["splits"].values())
    rate = n / summary["render_seconds"] if summary["render_seconds"] else float("nan")
    print(f"{n} parcels in {summary['render_seconds']:.1f} s ({rate:.2f}/s) after "
          f"{summary['calibration_seconds']:.1f} s calibration → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
