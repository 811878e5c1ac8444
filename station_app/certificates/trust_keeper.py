"""The station's trust list: the verified list in memory and the document it came from on disk.

``TrustListKeeper`` is what the rest of the station reads (``keeper.current``)
and what the sync worker feeds (``keeper.install(document)``). A document from
central is verified against the pinned central key and checked for a ``seq``
not older than the list in use *before* anything changes; then it is written
to ``StationConfig.resolved_trust_list_file`` atomically (the file it replaces
is kept as ``<name>.previous``), and only then swapped in memory. A rejected
document changes nothing.

At start the keeper reads its file; if that file is damaged or no longer
verifies, the previous one is tried, so a bad write can never leave a station
without the list it had.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from station_app.atomic_files import write_atomic
from station_app.certificates.payload import PublicKey
from station_app.certificates.trust import (
    TRUST_LIMITS,
    TrustList,
    TrustListError,
    TrustStore,
    load_public_key,
    parse_trust_list,
)
from station_app.config import StationConfig

log = logging.getLogger(__name__)

PREVIOUS_SUFFIX = ".previous"


def document_etag(document: bytes) -> str:
    """The HTTP entity tag of a trust list document: its sha256, quoted (RFC 9110 §8.8.3)."""
    return f'"{hashlib.sha256(document).hexdigest()}"'


def load_central_key(config: StationConfig) -> PublicKey | None:
    """Central's pinned public key, or None when none is configured.

    A configured key that cannot be read raises ``TrustListError`` naming the file.
    """
    path = config.certificates.central_key_file
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustListError(f"central key {path}: {exc.strerror or exc}") from exc
    return load_public_key(data)


class TrustListKeeper:
    """The trust list in force, its file, and replacing both. Thread-safe."""

    def __init__(self, central_key: PublicKey, path: Path) -> None:
        self.path = path
        self._central_key = central_key
        self._store = TrustStore(central_key)
        self._etag: str | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> TrustList | None:
        """The list in force (None: no verified list yet)."""
        return self._store.current

    @property
    def store(self) -> TrustStore:
        return self._store

    @property
    def etag(self) -> str | None:
        """ETag of the document in force, for ``If-None-Match``."""
        return self._etag

    @property
    def previous_path(self) -> Path:
        return self.path.with_name(self.path.name + PREVIOUS_SUFFIX)

    def load(self) -> TrustList | None:
        """Read the list kept on disk (start-up); never raises: problems are logged."""
        for path in (self.path, self.previous_path):
            document = self._read(path)
            if document is None:
                continue
            try:
                with self._lock:
                    trust = self._store.update(document)
                    self._etag = document_etag(document)
            except TrustListError as exc:
                log.error("trust list %s not used: %s", path, exc)
                continue
            if path != self.path:
                log.warning("trust list %s is unusable; using %s", self.path, path)
            return trust
        return None

    def install(self, document: bytes) -> TrustList:
        """Verify ``document``, keep it on disk, then put it in force.

        Raises ``TrustListError`` (forged, older seq, malformed, too big) and leaves the
        list in force, on disk and in memory, as it was.
        """
        if len(document) > TRUST_LIMITS.max_cbor_bytes:
            raise TrustListError(
                f"document of {len(document)} bytes is larger than "
                f"{TRUST_LIMITS.max_cbor_bytes} bytes"
            )
        with self._lock:
            new = parse_trust_list(document, self._central_key)
            old = self._store.current
            if old is not None and new.sequence < old.sequence:
                raise TrustListError(
                    f"list seq {new.sequence} is older than the one in use (seq {old.sequence})"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kept = self._read(self.path)
            if kept is not None:
                write_atomic(self.previous_path, kept)
            write_atomic(self.path, document)
            installed = self._store.update(document)
            self._etag = document_etag(document)
        return installed

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            with path.open("rb") as handle:
                data = handle.read(TRUST_LIMITS.max_cbor_bytes + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.error("cannot read trust list %s: %s", path, exc.strerror or exc)
            return None
        if len(data) > TRUST_LIMITS.max_cbor_bytes:
            log.error("trust list %s is larger than %d bytes", path, TRUST_LIMITS.max_cbor_bytes)
            return None
        return data


def open_trust_keeper(config: StationConfig) -> TrustListKeeper | None:
    """The station's keeper with the list from disk loaded; None without a central key
    (or with one that cannot be read: logged, the station runs without a trust list)."""
    try:
        key = load_central_key(config)
    except TrustListError as exc:
        log.error("no trust list: %s", exc)
        return None
    if key is None:
        log.info("no certificates.central_key_file configured: no trust list is kept")
        return None
    keeper = TrustListKeeper(key, config.resolved_trust_list_file)
    keeper.load()
    return keeper
