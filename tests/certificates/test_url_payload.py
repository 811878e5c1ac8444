"""Verification-URL payloads matched against the registry of issuing authorities."""

from __future__ import annotations

import pytest

from station_app.certificates.demo import demo_url_payload
from station_app.certificates.url_payload import (
    DEFAULT_AUTHORITIES,
    AuthorityRegistry,
    UrlPayloadError,
    parse_url_payload,
)

REGISTRY = AuthorityRegistry()


@pytest.mark.parametrize("authority", DEFAULT_AUTHORITIES, ids=lambda a: a.id)
def test_demo_urls_parse(authority: object) -> None:
    url = demo_url_payload(authority, "2025-KR-004711", "A7C9E2")  # type: ignore[arg-type]
    parsed = parse_url_payload(url, REGISTRY)
    assert parsed.authority == authority
    assert (parsed.reference_number, parsed.reference_code) == ("2025-KR-004711", "A7C9E2")


KCS = "https://unipass.customs.go.kr/csp/coo/verify"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://unipass.customs.go.kr/csp/coo/verify?refNo=ABCD1&code=X1Y2", "only https"),
        (
            "https://unipass.customs.go.kr.evil.example/csp/coo/verify?refNo=ABCD&code=X1Y2",
            "not a registered",
        ),
        (
            "https://user:pw@unipass.customs.go.kr/csp/coo/verify?refNo=ABCD&code=X1Y2",
            "credentials",
        ),
        ("https://unipass.customs.go.kr:8443/csp/coo/verify?refNo=ABCD&code=X1Y2", "port 8443"),
        ("https://unipass.customs.go.kr:99999/x", "malformed URL"),
        ("https://unipass.customs.go.kr/other?refNo=ABCD&code=X1Y2", "verification path"),
        (f"{KCS}?code=X1Y2", "'refNo' is missing"),
        (f"{KCS}?refNo=ABCD&refNo=EFGH&code=X1Y2", "appears 2 times"),
        (f"{KCS}?refNo=AB%27%3B--&code=X1Y2", "reference number"),
        (f"{KCS}?refNo=ABCD&code=%00", "reference code"),
        (f"{KCS}?" + "&".join(f"p{i}=1" for i in range(40)), "too many"),
        (KCS + "?refNo=" + "A" * 3000, "longer than"),
    ],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(UrlPayloadError, match=message):
        parse_url_payload(url, REGISTRY)


def test_registry_from_config() -> None:
    registry = AuthorityRegistry.from_config(
        [{"id": "vn", "name": "Vietnam customs", "country": "VN", "host": "ECOSYS.gov.VN"}]
    )
    assert registry.for_host("ecosys.gov.vn") is not None
    with pytest.raises(ValueError, match="country"):
        AuthorityRegistry.from_config([{"id": "x", "name": "X", "country": "vn", "host": "a.b"}])
    with pytest.raises(ValueError, match="share the host"):
        AuthorityRegistry([DEFAULT_AUTHORITIES[0], DEFAULT_AUTHORITIES[0]])
