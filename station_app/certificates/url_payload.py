"""Verification-URL barcodes of issuing authorities → authority + reference number + code.

Some authorities print a URL instead of a signed payload; the certificate is
then checked online through central (that comes with the sync issue). Here
the URL is only parsed and matched against a registry of known authorities,
so a look-alike host (``unipass.customs.go.kr.evil.example``), another scheme,
credentials or an odd port are refused before anything is sent anywhere.

The registry is configuration (a list of ``Authority`` objects, e.g. from the
station's settings file). ``DEFAULT_AUTHORITIES`` are examples whose hosts,
paths and parameter names must be confirmed with each authority before use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from station_app.certificates.payload import CertificateError

MAX_URL_CHARS: Final = 2_048


class UrlPayloadError(CertificateError):
    layer = "url"


class Authority(BaseModel):
    """One issuing authority's verification URL format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    host: str = Field(min_length=3, max_length=253)
    path: str = Field(default="/", pattern=r"^/[A-Za-z0-9/._~-]*$")
    reference_param: str = Field(default="refNo", min_length=1, max_length=32)
    code_param: str = Field(default="code", min_length=1, max_length=32)
    reference_pattern: str = r"[A-Za-z0-9-]{4,40}"
    code_pattern: str = r"[A-Za-z0-9]{4,32}"

    @field_validator("host")
    @classmethod
    def _lower_host(cls, value: str) -> str:
        return value.lower()

    @field_validator("reference_pattern", "code_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)  # a bad pattern fails at config load, not at the first scan
        return value


DEFAULT_AUTHORITIES: Final[tuple[Authority, ...]] = (
    Authority(
        id="kcs",
        name="Korea Customs Service",
        country="KR",
        host="unipass.customs.go.kr",
        path="/csp/coo/verify",
    ),
    Authority(
        id="kcci",
        name="Korea Chamber of Commerce and Industry",
        country="KR",
        host="cert.korcham.net",
        path="/coo/verify",
        reference_param="issueNo",
        code_param="confirmNo",
    ),
    Authority(
        id="partner",
        name="Partner customs administration",
        country="DE",
        host="coo.partner-customs.example",
        path="/verify",
        reference_param="ref",
    ),
)


@dataclass(frozen=True)
class UrlPayload:
    authority: Authority
    reference_number: str
    reference_code: str
    url: str


class AuthorityRegistry:
    """Known authorities by host."""

    def __init__(self, authorities: Iterable[Authority] = DEFAULT_AUTHORITIES) -> None:
        self._by_host: dict[str, Authority] = {}
        for authority in authorities:
            if authority.host in self._by_host:
                raise ValueError(f"two authorities share the host {authority.host}")
            self._by_host[authority.host] = authority

    @classmethod
    def from_config(cls, entries: Iterable[Mapping[str, Any]]) -> AuthorityRegistry:
        try:
            return cls(Authority.model_validate(entry) for entry in entries)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = f"invalid authority in configuration: {where}: {first['msg']}"
            raise ValueError(message) from exc

    @property
    def authorities(self) -> tuple[Authority, ...]:
        return tuple(self._by_host.values())

    def for_host(self, host: str) -> Authority | None:
        return self._by_host.get(host.lower())


def is_url_payload(text: str) -> bool:
    return text[:8].lower().startswith(("https://", "http://"))


def parse_url_payload(text: str, registry: AuthorityRegistry) -> UrlPayload:
    """Parse a verification URL, or raise ``UrlPayloadError`` saying what is wrong."""
    url = text.strip()
    if len(url) > MAX_URL_CHARS:
        raise UrlPayloadError(f"URL of {len(url)} characters is longer than {MAX_URL_CHARS}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlPayloadError(f"malformed URL ({exc})") from exc
    if parts.scheme.lower() != "https":
        raise UrlPayloadError(f"scheme {parts.scheme or '(none)'!r} refused; only https")
    if parts.username is not None or parts.password is not None:
        raise UrlPayloadError("URL carries credentials")
    if port not in (None, 443):
        raise UrlPayloadError(f"port {port} refused")
    host = (parts.hostname or "").rstrip(".")
    authority = registry.for_host(host)
    if authority is None:
        raise UrlPayloadError(f"host {host[:60]!r} is not a registered issuing authority")
    if parts.path.rstrip("/") != authority.path.rstrip("/"):
        raise UrlPayloadError(
            f"path {parts.path[:60]!r} is not {authority.name}'s verification path"
        )
    try:
        query = parse_qs(parts.query, keep_blank_values=True, max_num_fields=16)
    except ValueError as exc:  # more fields than max_num_fields
        raise UrlPayloadError("too many query parameters") from exc
    reference = _single(query, authority.reference_param)
    code = _single(query, authority.code_param)
    if not re.fullmatch(authority.reference_pattern, reference):
        raise UrlPayloadError(f"reference number {reference[:40]!r} is malformed")
    if not re.fullmatch(authority.code_pattern, code):
        raise UrlPayloadError("reference code is malformed")
    return UrlPayload(authority, reference, code, url)


def _single(query: Mapping[str, list[str]], name: str) -> str:
    values = query.get(name)
    if not values:
        raise UrlPayloadError(f"parameter {name!r} is missing")
    if len(values) > 1:
        raise UrlPayloadError(f"parameter {name!r} appears {len(values)} times")
    return values[0]
