"""``model.json``: the shipped card, damaged or swapped files, contracts that do not
match the graph, and a station that runs on when the model is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import onnx
import pytest

from station_app.config import DetectorConfig
from station_app.detection.detector import DetectorStatus, OnnxDetector, load_detector
from station_app.detection.model_card import (
    ModelRejectedError,
    parse_card,
    read_card,
    read_verified_model,
)
from station_app.errors import StationError
from station_app.file_digest import file_sha256

CPU_ONLY = ["CPUExecutionProvider"]
CardEditor = Callable[[Callable[[dict[str, Any]], None]], Path]


def _config(model_dir: Path, **changes: Any) -> DetectorConfig:
    return DetectorConfig(model_dir=model_dir, providers=CPU_ONLY, warmup_runs=0, **changes)


def _card_json(model_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    return data


# ---------------------------------------------------------------- the shipped card


def test_shipped_card_parses_and_matches_its_file(shipped_model: Path) -> None:
    card, blob = read_verified_model(shipped_model)
    assert blob == (shipped_model / "model.onnx").read_bytes()
    assert card.sha256 == hashlib.sha256(blob).hexdigest() == file_sha256(
        shipped_model / "model.onnx"
    )
    assert card.name and card.version
    names = card.class_names
    assert len(names) == len(set(names)) >= 1
    assert "knife" in names
    assert card.label("knife", "en") == "Knife" and card.label("knife", "ko") == "칼"
    assert card.label("no_such_class", "ko") == "no_such_class"
    assert 0.0 < card.score_threshold < 1.0
    # the tiles overlap by at least the largest item, at the model's pitch
    assert card.tile_overlap_px >= card.max_item_mm / card.input.pitch_mm
    assert card.tile_overlap_px < min(card.input.height_px, card.input.width_px)


def test_shipped_card_matches_the_onnx_graph(shipped_model: Path) -> None:
    card = read_card(shipped_model)
    graph = onnx.load(str(shipped_model / "model.onnx")).graph

    def dims(value: onnx.ValueInfoProto) -> list[int]:
        return [d.dim_value for d in value.type.tensor_type.shape.dim]

    (x,) = graph.input
    assert x.name == card.input_name
    assert dims(x) == [1, 3, card.input.height_px, card.input.width_px]
    outputs = {o.name: dims(o) for o in graph.output}
    scores, boxes = card.output_names
    h, w = card.input.height_px // 4, card.input.width_px // 4
    assert outputs == {scores: [1, len(card.classes), h, w], boxes: [1, 4, h, w]}


def test_card_json_round_trip(shipped_model: Path) -> None:
    card = read_card(shipped_model)
    data = json.loads(json.dumps(card.to_json(), ensure_ascii=False))
    assert parse_card(data) == card
    assert data["sha256"] == _card_json(shipped_model)["sha256"]


# ---------------------------------------------------------------- damaged files


def test_changed_model_bytes_are_refused_by_sha256(model_copy: Path) -> None:
    path = model_copy / "model.onnx"
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(ModelRejectedError, match="sha256") as caught:
        read_verified_model(model_copy)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, StationError)


def test_swapped_model_file_is_refused(model_copy: Path) -> None:
    other = onnx.load(str(model_copy / "model.onnx"))
    other.producer_name = "someone else"
    onnx.save(other, str(model_copy / "model.onnx"))
    with pytest.raises(ModelRejectedError, match=r"does not match model\.json"):
        read_verified_model(model_copy)


def test_broken_json_is_refused(model_copy: Path) -> None:
    path = model_copy / "model.json"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    with pytest.raises(ModelRejectedError, match="not valid JSON"):
        read_card(model_copy)


def test_card_that_is_not_an_object_is_refused(model_copy: Path) -> None:
    (model_copy / "model.json").write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(ModelRejectedError, match="JSON object"):
        read_card(model_copy)


@pytest.mark.parametrize(
    "key",
    ["name", "version", "created", "classes", "input", "outputs", "sha256", "score_threshold",
     "tile_overlap_px", "max_item_mm"],
)
def test_missing_field_is_named(edit_card: CardEditor, key: str) -> None:
    model_dir = edit_card(lambda data: data.pop(key))
    with pytest.raises(ModelRejectedError, match=key):
        read_card(model_dir)


@pytest.mark.parametrize("fmt", [2, 0, "1", None])
def test_other_card_format_is_refused(edit_card: CardEditor, fmt: Any) -> None:
    model_dir = edit_card(lambda data: data.update(format=fmt))
    with pytest.raises(ModelRejectedError, match="format"):
        read_card(model_dir)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score_threshold": 1.5}, "score_threshold"),
        ({"score_threshold": 0}, "score_threshold"),
        ({"score_threshold": True}, "score_threshold"),
        ({"score_threshold": "0.3"}, "score_threshold"),
        ({"tile_overlap_px": 9999}, "tile_overlap_px"),
        ({"tile_overlap_px": -1}, "tile_overlap_px"),
        ({"tile_overlap_px": 12.5}, "tile_overlap_px"),
        ({"sha256": "abc123"}, "sha256"),
        ({"sha256": "z" * 64}, "sha256"),
        ({"classes": []}, "classes"),
        ({"classes": [{"name": "knife", "en": "Knife"}]}, "classes"),
        ({"classes": [{"name": "knife", "en": "Knife", "ko": "칼"}] * 2}, "distinct"),
        ({"outputs": {"names": ["scores"]}}, "outputs"),
        ({"name": 7}, "name"),
        ({"class_score_thresholds": {"knife": 1.2}}, "class_score_thresholds"),
        ({"class_score_thresholds": {"knife": 0}}, "class_score_thresholds"),
        ({"class_score_thresholds": {"knife": True}}, "class_score_thresholds"),
        ({"class_score_thresholds": {"bazooka": 0.2}}, "class_score_thresholds"),
        ({"class_score_thresholds": [["knife", 0.2]]}, "class_score_thresholds"),
    ],
)
def test_bad_values_are_refused(edit_card: CardEditor, change: dict[str, Any],
                                message: str) -> None:
    model_dir = edit_card(lambda data: data.update(change))
    with pytest.raises(ModelRejectedError, match=message):
        read_card(model_dir)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("channels", ["r", "g", "b"], "channels"),
        ("height_px", 8, "too small"),
        ("pitch_mm", -2.0, "positive"),
    ],
)
def test_bad_input_contract_is_refused(edit_card: CardEditor, field: str, value: Any,
                                       message: str) -> None:
    model_dir = edit_card(lambda data: data["input"].update({field: value}))
    with pytest.raises(ModelRejectedError, match=message) as caught:
        read_card(model_dir)
    assert "model.json" in str(caught.value)


def test_missing_files_are_refused(model_copy: Path, tmp_path: Path) -> None:
    (model_copy / "model.onnx").unlink()
    with pytest.raises(ModelRejectedError, match=r"model\.onnx not found"):
        read_verified_model(model_copy)
    with pytest.raises(ModelRejectedError, match=r"model\.json not found"):
        read_verified_model(tmp_path / "nowhere")


# ---------------------------------------------------------------- card against graph


def test_card_input_size_other_than_the_graph_is_refused(edit_card: CardEditor) -> None:
    model_dir = edit_card(lambda data: data["input"].update(height_px=256))
    card, blob = read_verified_model(model_dir)  # the file itself is fine …
    with pytest.raises(ModelRejectedError, match="input") as caught:  # … the contract is not
        OnnxDetector(card, blob, _config(model_dir))
    message = str(caught.value)
    assert "does not match model.json" in message
    assert "256" in message and "512" in message


def test_card_input_name_other_than_the_graph_is_refused(edit_card: CardEditor) -> None:
    model_dir = edit_card(lambda data: data["input"].update(name="image"))
    card, blob = read_verified_model(model_dir)
    with pytest.raises(ModelRejectedError, match="input"):
        OnnxDetector(card, blob, _config(model_dir))


@pytest.mark.parametrize("change", ["renamed", "one_class_less"])
def test_card_outputs_other_than_the_graph_are_refused(edit_card: CardEditor,
                                                       change: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        if change == "renamed":
            data["outputs"]["names"] = ["heatmap", "boxes"]
        else:
            data["classes"].pop()

    model_dir = edit_card(edit)
    card, blob = read_verified_model(model_dir)
    with pytest.raises(ModelRejectedError, match=r"outputs .* do not match model\.json"):
        OnnxDetector(card, blob, _config(model_dir))


def test_file_that_is_no_onnx_model_is_refused(edit_card: CardEditor,
                                               model_copy: Path) -> None:
    junk = b"this is not a protobuf" * 100
    (model_copy / "model.onnx").write_bytes(junk)
    model_dir = edit_card(lambda data: data.update(sha256=hashlib.sha256(junk).hexdigest()))
    card, blob = read_verified_model(model_dir)  # matches its (new) card
    with pytest.raises(ModelRejectedError, match="onnxruntime cannot load it"):
        OnnxDetector(card, blob, _config(model_dir))


# ---------------------------------------------------------------- load_detector


def test_load_detector_reports_a_damaged_model_and_does_not_raise(model_copy: Path) -> None:
    path = model_copy / "model.onnx"
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    detector, status = load_detector(_config(model_copy))
    assert detector is None
    assert status.enabled and status.model == "" and status.provider == ""
    assert status.warning is not None and "sha256" in status.warning
    assert status.summary == "detector unavailable"


def test_load_detector_reports_a_contract_mismatch(edit_card: CardEditor) -> None:
    model_dir = edit_card(lambda data: data["input"].update(height_px=256))
    detector, status = load_detector(_config(model_dir))
    assert detector is None
    assert status.warning is not None and "does not match model.json" in status.warning


@pytest.mark.parametrize("what", ["missing_dir", "broken_json", "no_onnx"])
def test_load_detector_never_raises_for_a_bad_model(model_copy: Path, tmp_path: Path,
                                                    what: str) -> None:
    model_dir = model_copy
    if what == "missing_dir":
        model_dir = tmp_path / "not-there"
    elif what == "broken_json":
        (model_copy / "model.json").write_text("{", encoding="utf-8")
    else:
        (model_copy / "model.onnx").unlink()
    detector, status = load_detector(_config(model_dir))
    assert detector is None
    assert status.enabled and status.warning
    assert status.summary == "detector unavailable"


def test_load_detector_off(model_copy: Path) -> None:
    (model_copy / "model.json").unlink()  # not even looked at
    detector, status = load_detector(_config(model_copy, enabled=False))
    assert detector is None
    assert status == DetectorStatus(False, "", "")
    assert status.summary == "detector off"


def test_class_thresholds_default_to_the_card_threshold(edit_card: CardEditor) -> None:
    model_dir = edit_card(lambda data: data.update(
        {"score_threshold": 0.3, "class_score_thresholds": {"knife": 0.12}}))
    card = read_card(model_dir)
    thresholds = card.thresholds()
    assert thresholds["knife"] == 0.12
    assert {t for n, t in thresholds.items() if n != "knife"} == {0.3}
    assert card.to_json()["class_score_thresholds"] == {"knife": 0.12}
    none = read_card(edit_card(lambda data: data.pop("class_score_thresholds", None)))
    assert none.class_score_thresholds == {} and "class_score_thresholds" not in none.to_json()
