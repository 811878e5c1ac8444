"""The sha256 of a file, read in blocks (images, models and backups are large)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK_BYTES = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex sha256 of ``path``'s bytes; ``OSError`` when it cannot be read."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()
