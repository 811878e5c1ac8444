"""The training scripts end to end on a tiny dataset: train a few steps on the CPU,
export ONNX + model.json, load it in the station, evaluate from the ONNX file.

Accuracy is not the point here (that is ``station-app bench detector`` and the
model card); the point is that the commands a customs service would rerun work
and produce a model the station accepts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.train import dataset as ds
from station_app.config import DetectorConfig
from station_app.detection.detector import load_detector
from station_app.detection.model_card import read_verified_model

torch = pytest.importorskip("torch", reason="PyTorch is the optional extra `train`")
pytest.importorskip("onnx", reason="onnx comes with the optional extra `train`")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("det")
    ds.simulate(ds.SimulationSpec(out=out, counts={"train": 6, "val": 2, "test": 3},
                                  split_seeds={"train": 21, "val": 22, "test": 23}, seed=3,
                                  pixels=640, formats="coco"))
    return out


def test_train_export_load_evaluate(tiny_dataset: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from models.train import evaluate, export, train

    run_dir = tmp_path / "run"
    assert train.main(["--data", str(tiny_dataset), "--out", str(run_dir), "--iterations", "4",
                       "--batch", "2", "--crop", "128", "--val-every", "2", "--warmup", "2",
                       "--threads", "1"]) == 0
    log = [json.loads(line) for line in (run_dir / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [2, 4]
    assert all(0.0 <= r["map50"] <= 1.0 and np.isfinite(r["loss"]) for r in log)

    model_dir = tmp_path / "model"
    assert export.main(["--checkpoint", str(run_dir / "best.pt"), "--out", str(model_dir),
                        "--name", "tiny", "--version", "0.1"]) == 0
    card, blob = read_verified_model(model_dir)
    assert card.name == "tiny" and card.class_names[:2] == ("handgun", "knife")
    assert card.input.height_px == 512 and card.input.pitch_mm == 2.0
    assert card.training["iterations"] == 4
    assert len(blob) < 20_000_000

    detector, status = load_detector(DetectorConfig(model_dir=model_dir,
                                                    providers=["CPUExecutionProvider"]))
    assert detector is not None, status.warning
    assert status.model == "tiny 0.1" and status.provider == "CPU" and status.warning is None

    # the ONNX graph and PyTorch agree on one input
    checkpoint = torch.load(run_dir / "best.pt", map_location="cpu", weights_only=False)
    model = train.build_model(len(card.classes), checkpoint["architecture"])
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    model.deploy = True
    x = np.random.default_rng(0).uniform(0, 1, (1, 3, 512, 512)).astype(np.float32)
    with torch.no_grad():
        t_scores, t_boxes = (t.numpy() for t in model(torch.from_numpy(x)))
    o_scores, o_boxes = detector.run_model(x)
    # an untrained model's scores are near ties, so a few cells may be a 3x3 peak in
    # one runtime and not the other; where both keep a peak the values agree
    both = (o_scores > 0) & (t_scores > 0)
    assert np.count_nonzero((o_scores > 0) != (t_scores > 0)) < 0.02 * o_scores.size
    assert np.allclose(o_scores[both], t_scores[both], atol=1e-4)
    assert np.allclose(o_boxes, t_boxes, atol=1e-2)

    capsys.readouterr()
    assert evaluate.main(["--model", str(model_dir), "--data", str(tiny_dataset),
                          "--write-card"]) == 0
    printed = capsys.readouterr().out
    assert "mAP@0.5" in printed and "knife" in printed
    written = json.loads((model_dir / "model.json").read_text())
    assert written["metrics"]["split"] == "test"
    assert written["metrics"]["subsets"]["all"]["images"] == 3
    assert 0.0 < written["score_threshold"] < 1.0
    read_verified_model(model_dir)  # metrics added, sha256 still holds
