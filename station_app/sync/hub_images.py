"""The reference hub's image upload routes (docs/api/openapi.yaml, ``/v1/images``).

Appends stream the request body straight into the partial file, so bytes that
arrived before a connection broke are kept and counted in the offset (as tus
servers do); the station then goes on from central's offset, not from its own
idea of it. One append per upload at a time: a late request from a connection
the station already gave up on finds the offset moved and gets 409.
"""

# No ``from __future__ import annotations``: FastAPI must see the route annotations,
# which use a dependency made inside add_image_routes, as objects, not strings.
import asyncio
import os
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from station_app.sync.hub_image_store import HubImageStore, ImageUploadError
from station_app.sync.image_schemas import (
    CHUNK_CONTENT_TYPE,
    OFFSET_HEADER,
    SCAN_ID_PATTERN,
    ImageUpload,
    ImageUploadRequest,
    ScanImages,
)


def _refused(exc: ImageUploadError) -> HTTPException:
    headers = {OFFSET_HEADER: str(exc.offset)} if exc.offset is not None else None
    return HTTPException(exc.status, exc.detail, headers=headers)


def add_image_routes(
    app: FastAPI, images: HubImageStore, station_for: Callable[..., str]
) -> None:
    """Register the upload routes; ``station_for`` is the hub's bearer-token dependency."""
    station_dep = Annotated[str, Depends(station_for)]
    locks: dict[str, asyncio.Lock] = {}  # per upload id; the event loop is one thread
    app.state.images = images

    @app.post("/v1/images/uploads", status_code=201, response_model=ImageUpload)
    def create_upload(body: ImageUploadRequest, station: station_dep, response: Response) -> Any:
        try:
            upload, created = images.create(station, body)
        except ImageUploadError as exc:
            raise _refused(exc) from exc
        if not created:
            response.status_code = 200
        return upload

    @app.get("/v1/images/uploads/{upload_id}", response_model=ImageUpload)
    def get_upload(upload_id: str, station: station_dep, response: Response) -> Any:
        try:
            upload = images.get(station, upload_id)
        except ImageUploadError as exc:
            raise _refused(exc) from exc
        response.headers[OFFSET_HEADER] = str(upload.offset)
        return upload

    @app.patch("/v1/images/uploads/{upload_id}", response_model=ImageUpload)
    async def append_chunk(
        upload_id: str,
        request: Request,
        station: station_dep,
        upload_offset: Annotated[int, Header(alias=OFFSET_HEADER, ge=0)],
        content_type: Annotated[str, Header()] = "",
    ) -> Any:
        if content_type.split(";")[0].strip().lower() != CHUNK_CONTENT_TYPE:
            raise HTTPException(415, f"chunks must be sent as {CHUNK_CONTENT_TYPE}")
        lock = locks.setdefault(upload_id, asyncio.Lock())
        async with lock:
            try:
                upload = await run_in_threadpool(images.get, station, upload_id)
            except ImageUploadError as exc:
                locks.pop(upload_id, None)
                raise _refused(exc) from exc
            if upload_offset != upload.offset:
                raise HTTPException(
                    409, f"upload is at offset {upload.offset}, not {upload_offset}",
                    headers={OFFSET_HEADER: str(upload.offset)},
                )
            room = min(images.chunk_max_bytes, upload.size_bytes - upload.offset)
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > room:
                raise HTTPException(413, f"chunk of {declared} bytes: at most {room} fit here")
            received, disconnected = await _receive_into(
                images.partial_path(upload_id), upload.offset, room, request
            )
            if received is None:
                raise HTTPException(413, f"chunk longer than the {room} bytes that fit here")
            try:
                result = await run_in_threadpool(
                    images.advance, station, upload_id, upload.offset, upload.offset + received
                )
            except ImageUploadError as exc:
                locks.pop(upload_id, None)
                raise _refused(exc) from exc
            if result.status == "complete":
                locks.pop(upload_id, None)
        if disconnected:  # nobody reads this answer; the bytes that came are kept
            return JSONResponse({"detail": "client went away"}, status_code=400)
        return JSONResponse(
            result.model_dump(mode="json"), headers={OFFSET_HEADER: str(result.offset)}
        )

    @app.get("/v1/images/{scan_id}", response_model=ScanImages)
    def scan_images(scan_id: str, station: station_dep) -> Any:
        if not _matches(SCAN_ID_PATTERN, scan_id):
            raise HTTPException(400, f"invalid scan id {scan_id!r}")
        return images.scan_images(station, scan_id)


def _matches(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


async def _receive_into(
    path: os.PathLike[str], offset: int, room: int, request: Request
) -> tuple[int | None, bool]:
    """Stream the body into ``path`` at ``offset``; ``(bytes written, client went away)``.

    ``None`` bytes: the body was longer than ``room`` and nothing of it is kept.
    Whatever is written is on disk (fsync) before the offset is advanced.
    """
    received = 0
    disconnected = False
    with open(path, "r+b") as f:
        f.truncate(offset)  # bytes past the recorded offset are from a lost request
        f.seek(offset)
        try:
            async for piece in request.stream():
                if received + len(piece) > room:
                    f.truncate(offset)
                    return None, False
                f.write(piece)
                received += len(piece)
        except ClientDisconnect:
            disconnected = True
        f.flush()
        await run_in_threadpool(os.fsync, f.fileno())
    return received, disconnected
