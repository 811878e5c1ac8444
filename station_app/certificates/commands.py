"""``station-app certs decode``, ``certs verify`` and ``certs receipt``.

Output is JSON for machines (``--json``) or short lines for people. A file that
cannot be read gives its error in its own result; a bad trust list or central
key ends the command with one clear line (the CLI's user-error path).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from station_app.certificates.barcodes import (
    BarcodeConfig,
    BarcodeError,
    DecodedCode,
    ImageCodeReader,
)
from station_app.certificates.payload import ECOO_PREFIX
from station_app.certificates.trust import TrustList, load_public_key, load_trust_list
from station_app.certificates.verify import CertificateVerdict, verify
from station_app.config import StationConfig

RECEIPT_KEY_FILE = "receipt-key.pem"  # beside the station database, owner-only


def _code_json(code: DecodedCode) -> dict[str, Any]:
    return {
        "symbology": code.symbology,
        "text": code.text,
        "position": [list(point) for point in code.corners_px] if code.corners_px else None,
    }


def decode_files(paths: Sequence[Path], *, as_json: bool) -> int:
    """One result per file; exit 1 when any file could not be read."""
    reader = ImageCodeReader(BarcodeConfig())
    failed = False
    results: list[dict[str, Any]] = []
    for path in paths:
        try:
            codes = reader.read_image(path)
        except BarcodeError as exc:
            failed = True
            results.append({"file": str(path), "error": str(exc), "codes": []})
            continue
        results.append({"file": str(path), "codes": [_code_json(code) for code in codes]})
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            if "error" in result:
                print(f"{result['file']}: error: {result['error']}")
            for code in result["codes"]:
                print(f"{result['file']}: {code['symbology']}: {code['text']}")
            if not result["codes"] and "error" not in result:
                print(f"{result['file']}: no barcode found")
    return 1 if failed else 0


def _trust(trust_list: Path | None, central_key: Path | None) -> TrustList | None:
    if trust_list is None:
        return None
    if central_key is None:
        raise ValueError("--trust-list needs --central-key: the list is checked against it")
    return load_trust_list(trust_list, load_public_key(central_key.read_bytes()))


def _verdict_json(source: str, verdict: CertificateVerdict) -> dict[str, Any]:
    claims = verdict.claims
    return {
        "source": source,
        "verdict": verdict.status.value,
        "reasons": list(verdict.reasons),
        "kid": verdict.kid.hex() if verdict.kid else None,
        "algorithm": verdict.algorithm,
        "claims": None
        if claims is None
        else {
            "certificate_number": claims.certificate_number,
            "issuer": claims.issuer,
            "origin_country": claims.origin_country,
            "issued_at": claims.issued_at.isoformat(),
            "expires_at": claims.expires_at.isoformat(),
            "items": [
                {"hs_code": item.hs_code, "description": item.description} for item in claims.items
            ],
        },
    }


def verify_inputs(
    inputs: Sequence[str],
    *,
    trust_list: Path | None,
    central_key: Path | None,
    prefix: str = ECOO_PREFIX,
    as_json: bool,
) -> int:
    """Each input is an image file, a text file or the payload text itself.

    Exit 0 when every certificate is VALID, 1 otherwise.
    """
    trust = _trust(trust_list, central_key)
    now = datetime.now(UTC)
    reader = ImageCodeReader(BarcodeConfig())
    results: list[dict[str, Any]] = []
    for source in inputs:
        texts = _payload_texts(source, reader)
        if not texts:
            results.append(
                {"source": source, "verdict": "invalid", "reasons": ["no barcode found"]}
            )
        for text in texts:
            results.append(_verdict_json(source, verify(text, trust=trust, now=now, prefix=prefix)))
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            reasons = "; ".join(result["reasons"]) or "all checks passed"
            print(f"{result['source']}: {result['verdict'].upper()}: {reasons}")
    return 0 if results and all(r["verdict"] == "valid" for r in results) else 1


def _payload_texts(source: str, reader: ImageCodeReader) -> list[str]:
    path = Path(source)
    if not path.is_file():
        return [source]  # the payload text itself
    try:
        return [code.text for code in reader.read_image(path)]
    except BarcodeError:
        # Not an image: a text file holding the payload (e.g. from a handheld scanner).
        text = path.read_bytes()[:65536].decode("utf-8", errors="replace").strip()
        return [text] if text else []


def receipt_command(
    config: StationConfig, scan_id: str, *, verdict_id: int | None, out: Path
) -> int:
    """Write the receipt label of a stored check (the newest of the scan by default)."""
    from station_app.certificates.receipt import (
        ReceiptReference,
        load_or_create_key,
        render_label,
        save_label,
        sign_reference,
    )
    from station_app.storage import open_database
    from station_app.storage.certificates import CertificateVerdictRepository

    database = open_database(config.resolved_database_url)
    try:
        checks = CertificateVerdictRepository(database, config.station_id).for_scan(scan_id)
    finally:
        database.close()
    if verdict_id is not None:
        checks = tuple(c for c in checks if c.verdict_id == verdict_id)
    if not checks:
        which = f"check {verdict_id}" if verdict_id is not None else "certificate check"
        raise ValueError(f"no stored {which} for scan {scan_id!r}")
    check = checks[-1]
    key = load_or_create_key(config.data_dir / RECEIPT_KEY_FILE)
    reference = sign_reference(ReceiptReference.of(check, config.station_id), key)
    label = render_label(check, station_id=config.station_id, reference=reference)
    save_label(label, out)
    print(f"{out}: {check.status.value} {check.certificate_number or '-'} ({reference})")
    return 0
