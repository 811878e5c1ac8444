"""Wire schemas of the image upload (docs/api/openapi.yaml, ``/v1/images``), both ends.

A tus-like resumable upload: the station creates an upload naming the file (scan,
kind, size, sha256), appends chunks at central's offset, and central checks the
sha256 when the last byte arrived. Creating the same upload again is how a
station learns central's offset after a broken connection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCAN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
# The station's ``image_files.kind`` values (storage.images).
KIND_PATTERN = (
    r"^(dx_high|dx_low|dx_presentation|tdr_machine|raw_npz|tdr_operator_[1-9][0-9]{0,17})$"
)
SHA256_PATTERN = r"^[0-9a-f]{64}$"
OFFSET_HEADER = "Upload-Offset"
CHUNK_CONTENT_TYPE = "application/offset+octet-stream"

ScanId = Annotated[str, Field(pattern=SCAN_ID_PATTERN)]
Kind = Annotated[str, Field(pattern=KIND_PATTERN)]
Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN)]


class ImageUploadRequest(BaseModel):
    """POST /v1/images/uploads: the file the station is about to send."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scan_id: ScanId
    kind: Kind
    size_bytes: int = Field(ge=1)
    sha256: Sha256


class ImageUpload(BaseModel):
    """An upload as central sees it; ``complete``: central holds the whole file, verified."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    upload_id: str = Field(min_length=1, max_length=64)
    scan_id: str
    kind: str
    size_bytes: int = Field(ge=1)
    sha256: Sha256
    offset: int = Field(ge=0)
    status: Literal["open", "complete"]
    chunk_max_bytes: int = Field(ge=1)
    duplicate: bool = False  # complete before this request: the same file was there already


class StoredImageInfo(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    scan_id: str
    kind: str
    size_bytes: int
    sha256: Sha256
    stored_at: datetime


class ScanImages(BaseModel):
    """GET /v1/images/{scan_id}: the files central holds for one of the station's scans."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    scan_id: str
    images: list[StoredImageInfo]
