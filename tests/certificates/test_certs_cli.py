"""`station-app certs decode|verify` as a user runs them: real QR pictures, real keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import qrcode
from cryptography.hazmat.primitives import serialization

from station_app.certificates.demo import (
    demo_document,
    demo_trust_list,
    make_demo_central_key,
    make_demo_issuer,
)
from station_app.cli import main


@pytest.fixture(scope="module")
def signed_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    root = tmp_path_factory.mktemp("ecoo")
    issuer = make_demo_issuer("ES256")
    text = demo_document(issuer)
    central = make_demo_central_key()
    trust_list = root / "trust.cose"
    trust_list.write_bytes(demo_trust_list([issuer], central))
    central_pem = root / "central.pem"
    central_pem.write_bytes(
        central.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    picture = root / "certificate.png"
    qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_M).save(picture)
    return {"text": text, "trust": trust_list, "key": central_pem, "picture": picture}


def test_decode_prints_one_result_per_file(
    signed_document: dict[str, Path | str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    code = main(["certs", "decode", str(signed_document["picture"]), str(broken), "--json"])
    results = json.loads(capsys.readouterr().out)
    assert code == 1  # one file could not be read
    assert results[0]["file"] == str(signed_document["picture"])
    assert results[0]["codes"][0]["symbology"] == "qr"
    assert results[0]["codes"][0]["text"] == signed_document["text"]
    assert len(results[0]["codes"][0]["position"]) == 4
    assert results[1]["codes"] == [] and results[1]["error"]


def test_verify_picture_with_trust_list_is_valid(
    signed_document: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "certs", "verify", str(signed_document["picture"]),
        "--trust-list", str(signed_document["trust"]),
        "--central-key", str(signed_document["key"]), "--json",
    ])
    (result,) = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["verdict"] == "valid"
    assert result["claims"]["certificate_number"]
    assert result["algorithm"] == "ES256"


def test_verify_without_trust_list_is_never_valid(
    signed_document: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["certs", "verify", str(signed_document["text"]), "--json"])
    (result,) = json.loads(capsys.readouterr().out)
    assert code == 1
    assert result["verdict"] == "unverified"


def test_verify_forged_text_is_invalid(
    signed_document: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    text = str(signed_document["text"])
    forged = text[:-6] + ("A" if text[-6] != "A" else "B") + text[-5:]
    code = main([
        "certs", "verify", forged,
        "--trust-list", str(signed_document["trust"]),
        "--central-key", str(signed_document["key"]),
    ])
    out = capsys.readouterr().out
    assert code == 1
    assert "INVALID" in out


def test_trust_list_without_central_key_is_one_clear_line(
    signed_document: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["certs", "verify", "COO1:X", "--trust-list", str(signed_document["trust"])])
    assert code == 2
    assert "--trust-list needs --central-key" in capsys.readouterr().err


def test_demo_set_verifies_as_documented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["certs", "demo", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    files = [tmp_path / n for n in ("ecoo-valid.png", "ecoo-revoked.txt", "ecoo-forged.txt",
                                    "ecoo-url.txt")]
    code = main([
        "certs", "verify", *map(str, files), "--trust-list", str(tmp_path / "trust-list.cose"),
        "--central-key", str(tmp_path / "central-key.pem"), "--json",
    ])
    verdicts = json.loads(capsys.readouterr().out)
    assert [v["verdict"] for v in verdicts] == ["valid", "invalid", "invalid", "unverified"]
    assert code == 1  # some input is not valid
