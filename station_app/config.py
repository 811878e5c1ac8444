"""Station settings.

One ``StationConfig`` object is built at start-up (defaults < TOML file <
settings central manages, kept in ``<data_dir>/central-config.json`` <
environment variables ``STATION_*``, nested with ``__`` < explicit overrides)
and passed down; no module keeps its own copy. Central overrides the local file
for the keys it manages (``station_app.sync.central_config.MANAGED_SETTINGS``),
while a local operator's environment or command line still wins, for emergencies.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, ClassVar, Literal

import platformdirs
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from station_app.certificates.url_payload import DEFAULT_AUTHORITIES, Authority

APP_NAME = "station-app"
CENTRAL_CONFIG_FILE = "central-config.json"  # in data_dir: settings central manages

log = logging.getLogger(__name__)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "station.toml"


class DriverConfig(BaseModel):
    name: str = "simulator"
    options: dict[str, Any] = Field(default_factory=dict)
    label_reader_offset_mm: float = 600.0  # label reader to X-ray plane, along the belt


class AssemblyConfig(BaseModel):
    """Cutting the line stream into parcels."""

    occupied_transmission: float = 0.92  # a pixel is 'occupied' below this high-energy transmission
    occupied_min_pixels: int = 6  # a line is occupied with at least this many occupied pixels
    start_lines: int = 3  # consecutive occupied lines that open a parcel
    # Consecutive empty lines that close a parcel. Postal bags are nearly transparent,
    # so a bag whose contents leave a gap must not be cut in two: 100 mm of air.
    end_gap_lines: int = 100
    margin_lines: int = 8  # air kept before and after a parcel
    max_length_mm: float = 1600.0  # longer objects are cut and flagged


class CalibrationConfig(BaseModel):
    max_age_hours: float = 24.0
    dark_lines: int = 256
    air_lines: int = 512
    dead_gain_ratio: float = 0.5  # pixel gain below this fraction of the median: dead
    dead_noise_ratio: float = 6.0  # pixel air noise above this times the median: noisy (dead)
    max_bad_fraction: float = 0.05  # more dead/noisy pixels than this: refuse the calibration
    wedge_spec: str = "standard"  # name of a file in resources/calibration/


class MaterialsConfig(BaseModel):
    """Zeff boundaries between material classes (standard colour convention)."""

    organic_max_zeff: float = 10.0
    inorganic_max_zeff: float = 17.5
    air_max_attenuation: float = 0.03  # below this A_high the pixel is air
    impenetrable_min_attenuation: float = 7.0  # above this A_high nothing can be told


class AlarmConfig(BaseModel):
    dense_min_area_mm2: float = 1200.0
    # organic_mass: measured on simulated parcels (docs/alarm-rules.md). Heroin base reads
    # Zeff ~6.4-6.6, cocaine HCl (its chlorine) ~8.3-9.1; paper, cotton, sugar, food and
    # water read 6.7-7.4 and are left out by the excluded band below.
    organic_zeff_min: float = 6.3
    organic_zeff_max: float = 9.3
    organic_a_high_min: float = 0.12
    organic_a_high_max: float = 2.5
    organic_min_area_mm2: float = 2500.0
    battery_min_area_mm2: float = 250.0
    # Added for the rule details (station_app.detection.alarms); all in mm or Zeff units.
    cleanup_kernel_mm: float = 3.0  # opening/closing removes speckle and thin edges
    organic_zeff_smooth_mm: float = 10.0  # box filter on Zeff before the band tests
    organic_cleanup_kernel_mm: float = 5.0  # thin cardboard's noisy Zeff speckles the band
    organic_max_local_a_cv: float = 0.1  # A_high std / mean in the smoothing window
    organic_excluded_zeff_min: float = 6.72  # cellulose (paper, cotton, card), sugar,
    organic_excluded_zeff_max: float = 7.45  # food, water: everyday organics
    organic_max_zeff_std: float = 0.4  # a packed powder/brick is chemically uniform
    organic_max_a_high_cv: float = 0.25  # ... and of fairly even thickness (clothes are not)
    organic_min_fill: float = 0.5  # area / rotated-rectangle area: a brick or pouch outline
    organic_min_a_high_mean: float = 0.2  # region mean: a mass, not a wrapper or a shell
    organic_min_width_mm: float = 60.0  # short side: not a strip (shoe sole, cable, spine)
    battery_zeff_min: float = 18.0  # cell mixtures (Co, Ni, Cu, steel can) read as metal
    battery_zeff_max: float = 30.0
    battery_a_high_min: float = 0.6
    battery_a_high_max: float = 5.0  # penetrable: a steel bar of the same size is denser
    battery_max_area_mm2: float = 20000.0
    # Median A_high per mm of cell diameter: LCO/graphite/foil cells ~0.1,
    # solid steel ~0.3 or more, so a rod of the same size does not pass.
    battery_mu_per_mm_min: float = 0.04
    battery_mu_per_mm_max: float = 0.2


class TriageConfig(BaseModel):
    red_alarm_kinds: list[str] = Field(default_factory=lambda: ["dense_object"])
    amber_alarm_kinds: list[str] = Field(
        default_factory=lambda: ["organic_mass", "lithium_battery"]
    )
    red_risk_score: float = 0.8
    amber_risk_score: float = 0.5
    red_detection_classes: list[str] = Field(
        default_factory=lambda: ["handgun", "knife", "ammunition", "powder_packet"]
    )
    amber_detection_classes: list[str] = Field(
        default_factory=lambda: [
            "lithium_battery",
            "liquid_bottle",
            "cigarette_carton",
            "pill_bottle",
        ]
    )
    red_detection_min_confidence: float = 0.5  # a red class below this (but above amber's) is AMBER
    # Below this a detection is shown but not a reason. 0: every detection the model
    # reports counts, since its operating threshold (model.json) was chosen for that.
    amber_detection_min_confidence: float = 0.0
    discrepancy_level: Literal["amber", "red"] = "amber"  # declared-vs-seen mismatch


class MatchingConfig(BaseModel):
    """Declared-vs-seen matching of manifests (``station_app.manifests.matching``)."""

    hs_table_path: Path | None = None  # None: the packaged resources/manifests table
    min_confidence: float = Field(0.5, ge=0, le=1)  # detections below this are not counted
    quantity_tolerance: int = Field(1, ge=0)  # seen may exceed declared by this many
    report_declared_not_seen: bool = True
    battery_alarm_kinds: list[str] = Field(default_factory=lambda: ["lithium_battery"])
    # Lowest plausible value of ONE item of a class, in US dollars. Rough on purpose:
    # it catches a laptop declared at 5 USD, not a bargain.
    min_value_usd: dict[str, float] = Field(
        default_factory=lambda: {"laptop": 100.0, "smartphone": 40.0}
    )
    # Approximate US dollars per unit of each currency, for the value check only;
    # a manifest in a currency missing here skips the value check.
    usd_per_unit: dict[str, float] = Field(
        default_factory=lambda: {
            "USD": 1.0,
            "EUR": 1.08,
            "GBP": 1.27,
            "CHF": 1.12,
            "JPY": 0.0067,
            "CNY": 0.14,
            "HKD": 0.128,
            "KRW": 0.00073,
            "VND": 0.00004,
            "XDR": 1.33,
        }
    )


class DetectorConfig(BaseModel):
    """The item detector (ONNX). See docs/detector.md."""

    enabled: bool = True
    model_dir: Path | None = None  # None: the model shipped in models/xcnet
    # first that loads wins; a GPU that was asked for but did not load is a visible warning
    providers: list[str] = Field(
        default_factory=lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"]
    )
    cuda_device_id: int = Field(0, ge=0)
    intra_op_threads: int = Field(2, ge=1)  # a GUI workstation: leave the GUI its cores
    score_threshold: float | None = Field(None, gt=0, lt=1)  # None: model.json's operating point
    warmup_runs: int = Field(2, ge=0)


class GuiConfig(BaseModel):
    language: Literal["en", "ko"] = "en"
    poll_interval_ms: int = 50
    # Parcels whose images the inspector's queue keeps in memory (undecided ones
    # beyond this stay in the queue and are loaded again when their turn comes).
    queue_thumbnails: int = Field(12, ge=1)


class SyncConfig(BaseModel):
    """Talking to the central customs service (``station_app.sync``)."""

    central_url: str | None = None  # None: offline station, nothing is sent (rows stay queued)
    token: str | None = None  # this station's bearer token; keep it in the env, not the TOML
    verify_tls: bool = True  # only a test rig on loopback may turn this off
    ca_file: Path | None = None  # a private CA for central, instead of the system store
    # mTLS (docs/sync-security.md): this station's certificate (PEM, chain after it) and
    # its private key (PEM; None: the key is in client_cert_file). Works with or without token.
    client_cert_file: Path | None = None
    client_key_file: Path | None = None
    batch_size: int = Field(100, ge=1, le=500)  # rows per POST /v1/results:batch
    connect_timeout_s: float = Field(5.0, gt=0)
    read_timeout_s: float = Field(15.0, gt=0)  # central answering one batch
    max_response_bytes: int = Field(4_000_000, ge=1024)  # a bigger answer is refused unread
    backoff_base_s: float = Field(1.0, gt=0)  # first retry after this (times jitter)
    backoff_max_s: float = Field(300.0, gt=0)  # retries never wait longer (Retry-After: capped)
    idle_poll_s: float = Field(2.0, gt=0)  # queue empty: look again after this
    heartbeat_interval_s: float = Field(60.0, gt=0)
    rejected_retry_s: float = Field(3600.0, gt=0)  # rows central refused are retried this often
    manifest_pull_interval_s: float = Field(60.0, gt=0)  # pull-ahead of new manifests
    manifest_page_size: int = Field(200, ge=1, le=1000)  # manifests per GET /v1/manifests
    manifest_lookup_backoff_s: float = Field(30.0, gt=0)  # central unreachable: no lookups
    stop_timeout_s: float = Field(20.0, gt=0)  # Station.stop() waits this long for the worker
    upload_images: bool = True  # image files (DICOS) go to central after the results
    image_chunk_bytes: int = Field(1_048_576, ge=4096, le=64 * 1_048_576)  # bytes per PATCH
    # Signed updates from central (docs/updates.md): detector model and trust list.
    update_check_interval_s: float = Field(900.0, gt=0)
    model_update_max_bytes: int = Field(512_000_000, ge=1024)  # a bigger model is refused


class ImagesConfig(BaseModel):
    """Parcel image files (DICOS) on the station's disk: what is kept, and for how long."""

    disk_budget_gb: float = Field(50.0, gt=0)  # image files may use this much of the disk
    keep_days: float = Field(7.0, ge=0)  # keep files this long after central confirmed them
    housekeeping_interval_s: float = Field(300.0, gt=0)  # retention pass + budget check


class CertificatesConfig(BaseModel):
    """e-COO verification (``station_app.certificates``). See docs/certificates.md."""

    barcode_backend: Literal["zxing", "zbar"] = "zxing"
    # Central's public key (PEM) that signs trust lists and model updates; None: offline
    # signature checks have no trust list and every signed e-COO reads "unknown issuer".
    central_key_file: Path | None = None
    trust_list_file: Path | None = None  # None: <data_dir>/trust-list.cose (kept from central)
    online_timeout_s: float = Field(5.0, gt=0)  # relay answer wait before "could not verify now"
    online_cache_hours: float = Field(24.0, ge=0)  # a relay verdict is reused this long
    # Issuing authorities whose verification-URL barcodes are accepted (the examples in
    # DEFAULT_AUTHORITIES must be confirmed with each authority before production use).
    authorities: list[Authority] = Field(default_factory=lambda: list(DEFAULT_AUTHORITIES))


class AccountsConfig(BaseModel):
    """Operator sign-in (``station_app.accounts``)."""

    max_failed_attempts: int = Field(5, ge=1)  # then the account is locked
    lockout_minutes: float = Field(15.0, gt=0)  # a locked account opens again after this
    screen_lock_minutes: float = Field(10.0, gt=0)  # idle time before the screen locks
    min_password_length: int = Field(10, ge=8)


class TipConfig(BaseModel):
    """Threat image projection (``station_app.tip``). See docs/tip.md."""

    enabled: bool = False
    rate: float = Field(0.02, ge=0, le=1)  # chance that a parcel carries a projected threat
    min_parcels_between: int = Field(20, ge=0)  # never two TIP images closer than this
    categories: list[str] = Field(
        default_factory=lambda: ["handgun", "knife", "scissors", "ammunition", "powder_packet"]
    )
    min_item_length_mm: float = Field(40.0, ge=0)  # library items outside this size are not used
    max_item_length_mm: float = Field(400.0, gt=0)
    library_dir: Path | None = None  # None: the library shipped in resources/tip
    # TIP images are kept as DICOS on this station only (never uploaded); deleted this
    # many days after they were shown by the image housekeeping pass.
    keep_images_days: int = Field(30, ge=1)
    # A hit must point at the item: a TIP image not cleared whose marks are not on the
    # item (none drawn, or elsewhere) is scored a miss ("flagged elsewhere").
    hit_needs_mark: bool = False


class StationConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STATION_",
        env_nested_delimiter="__",
        extra="forbid",
    )
    # Set by load_config on the class it builds: central's settings, between env and TOML.
    _central_settings: ClassVar[dict[str, Any]] = {}

    station_id: str = "STATION-01"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None  # None: SQLite file in data_dir
    driver: DriverConfig = Field(default_factory=DriverConfig)
    assembly: AssemblyConfig = Field(default_factory=AssemblyConfig)
    calibration: CalibrationConfig = Field(default_factory=CalibrationConfig)
    materials: MaterialsConfig = Field(default_factory=MaterialsConfig)
    alarms: AlarmConfig = Field(default_factory=AlarmConfig)
    triage: TriageConfig = Field(default_factory=TriageConfig)
    detector: DetectorConfig = Field(default_factory=DetectorConfig)
    manifests: MatchingConfig = Field(default_factory=MatchingConfig)
    gui: GuiConfig = Field(default_factory=GuiConfig)
    sync: SyncConfig = Field(default_factory=SyncConfig)
    images: ImagesConfig = Field(default_factory=ImagesConfig)
    certificates: CertificatesConfig = Field(default_factory=CertificatesConfig)
    accounts: AccountsConfig = Field(default_factory=AccountsConfig)
    tip: TipConfig = Field(default_factory=TipConfig)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'station.sqlite3'}"

    @property
    def image_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def resolved_trust_list_file(self) -> Path:
        return self.certificates.trust_list_file or self.data_dir / "trust-list.cose"

    @property
    def central_config_file(self) -> Path:
        """Settings central manages for this station, as last received (central-config.md)."""
        return self.data_dir / CENTRAL_CONFIG_FILE

    @property
    def model_store_dir(self) -> Path:
        """Detector models received from central (each in its own folder)."""
        return self.data_dir / "models"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # A TOML file is read only when load_config() named one (model_config["toml_file"]).
        central = InitSettingsSource(settings_cls, init_kwargs=cls._central_settings)
        return (init_settings, env_settings, central, TomlConfigSettingsSource(settings_cls))


def load_config(config_file: Path | None = None, **overrides: Any) -> StationConfig:
    """Build the config: explicit overrides beat ``STATION_*`` variables, which beat the
    settings central manages (``<data_dir>/central-config.json``), which beat the file.

    Without ``config_file``, ``$STATION_CONFIG_FILE`` or the user config file
    (``default_config_file()``) is read when it exists. A central-config.json that
    cannot be used is logged and left out: the station starts on its local settings.
    """
    if config_file is None:
        env_file = os.environ.get("STATION_CONFIG_FILE")
        candidate = Path(env_file) if env_file else default_config_file()
        if env_file and not candidate.is_file():
            raise FileNotFoundError(f"config file not found: {candidate}")
        config_file = candidate if candidate.is_file() else None
    elif not config_file.is_file():
        raise FileNotFoundError(f"config file not found: {config_file}")
    local = _build_config(config_file, {}, overrides)
    central = _central_settings(local)  # data_dir comes from the local sources only
    if not central:
        return local
    try:
        return _build_config(config_file, central, overrides)
    except ValidationError as exc:  # e.g. a setting renamed since central's file was kept
        log.error("%s left out, the local settings apply: %s", local.central_config_file, exc)
        return local


def _build_config(
    config_file: Path | None, central: dict[str, Any], overrides: dict[str, Any]
) -> StationConfig:
    if config_file is None and not central:
        return StationConfig(**overrides)
    namespace: dict[str, Any] = {"_central_settings": central}
    if config_file is not None:
        namespace["model_config"] = {**StationConfig.model_config, "toml_file": config_file}
    loaded = type("StationConfigFromFile", (StationConfig,), namespace)
    config: StationConfig = loaded(**overrides)
    return config


def _central_settings(config: StationConfig) -> dict[str, Any]:
    path = config.central_config_file
    if not path.is_file():
        return {}
    # Imported here: only a station that received settings from central needs it.
    from station_app.sync.central_config import CentralConfigError, read_stored

    try:
        stored = read_stored(path)
    except CentralConfigError as exc:
        log.error("%s left out, the local settings apply: %s", path, exc)
        return {}
    return {} if stored is None else stored.settings
