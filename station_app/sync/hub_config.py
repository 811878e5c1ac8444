"""The reference hub's station settings: ``GET /v1/stations/{station_id}/config``.

Central keeps a numbered series of settings documents per station (the hub
store's ``station_configs``); each publish is the next version and the latest
is served, with the version as ETag so a station that has it gets 304.
Publishing (``station-app hub set-config STATION FILE`` or
``publish_station_config``) checks the settings exactly as a station will
(``central_config.check_settings``: allow-list, then each section's own
validation), so an operator's mistake is refused here, before any station sees
it. The stations check everything again themselves.
"""

# No ``from __future__ import annotations``: FastAPI must see the route annotations,
# which use a dependency made inside add_config_routes, as objects, not strings.
import json
import logging
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from station_app.errors import StationError
from station_app.sync.central_config import (
    CentralConfigError,
    check_settings,
    setting_keys,
    version_etag,
)
from station_app.sync.hub_store import HubStore, StationSettings

log = logging.getLogger(__name__)
_STATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class StationConfigDocument(BaseModel):
    """The answer: a partial StationConfig (station.toml's names), versioned."""

    version: int = Field(ge=1, description="increases by one with every publish")
    settings: dict[str, dict[str, Any]] = Field(
        description="section → setting → value; only keys central may manage"
    )


class ConfigPublishError(StationError):
    """Settings given to the hub to publish were refused; the message says why."""


def publish_station_config(store: HubStore, station_id: str, settings: object) -> StationSettings:
    """Check ``settings`` and make them the station's next version."""
    if not _STATION_ID.fullmatch(station_id):
        raise ConfigPublishError(f"{station_id!r} is not a station id")
    try:
        checked = check_settings(settings)
    except CentralConfigError as exc:
        raise ConfigPublishError(f"settings for {station_id} refused: {exc}") from exc
    published = store.publish_station_config(station_id, checked)
    log.info("hub: settings version %d published for %s", published.version, station_id)
    return published


def load_settings_file(path: Path) -> object:
    """Settings from a ``.json`` or ``.toml`` file (sections as in station.toml)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigPublishError(f"settings file {path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() == ".toml":
            return tomllib.loads(data.decode("utf-8"))
        if path.suffix.lower() == ".json":
            return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:  # TOMLDecodeError is a ValueError
        raise ConfigPublishError(f"settings file {path} is not valid: {exc}") from exc
    raise ConfigPublishError(f"settings file {path}: must end in .json or .toml")


def add_config_routes(app: FastAPI, store: HubStore, station_for: Callable[..., str]) -> None:
    """Register the route; ``station_for`` is the hub's bearer-token dependency."""
    station_dep = Annotated[str, Depends(station_for)]

    @app.get(
        "/v1/stations/{station_id}/config",
        response_model=StationConfigDocument,
        responses={
            304: {"description": "unchanged (If-None-Match matched)"},
            403: {"description": "the token is another station's"},
            404: {"description": "central manages no settings for this station"},
        },
    )
    def station_config(
        station_id: str,
        station: station_dep,
        if_none_match: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Any:
        if station_id != station:
            raise HTTPException(403, f"token is for station {station!r}, not {station_id!r}")
        current = store.station_config(station_id)
        if current is None:
            raise HTTPException(404, f"no settings published for {station_id!r}")
        etag = version_etag(current.version)
        if if_none_match is not None and etag in (t.strip() for t in if_none_match.split(",")):
            return Response(status_code=304, headers={"ETag": etag})
        body = StationConfigDocument(version=current.version, settings=current.settings)
        return JSONResponse(body.model_dump(mode="json"), headers={"ETag": etag})


def set_config_command(db_path: Path, station_id: str, settings_file: Path) -> int:
    """``station-app hub set-config STATION_ID FILE.json|FILE.toml``."""
    store = HubStore(db_path)
    try:
        published = publish_station_config(store, station_id, load_settings_file(settings_file))
    finally:
        store.close()
    keys = setting_keys(published.settings)
    print(
        f"published settings version {published.version} for {station_id}: "
        f"{', '.join(keys) or 'no settings'}"
    )
    return 0
