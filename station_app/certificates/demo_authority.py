"""A stand-in issuing authority for tests and demos: a real HTTP server on loopback.

It speaks the hub's reference authority protocol (``sync.hub_certificates``):
``POST /verify {"reference_number", "reference_code"}`` answers the status of a
certificate it issued and, when the code matches, its claims. A wrong code or
an unknown number is "unknown" without claims (as a real register, it discloses
nothing to someone who does not hold the code).

``broken_answers`` makes the next N answers non-JSON, so tests can check that
the hub turns an unreadable authority into "could not verify now".
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI, Response

from station_app.certificates.claims import CooClaims
from station_app.certificates.claims_json import claims_to_json
from station_app.sync.hub_certificates import AuthorityAnswer, AuthorityVerifyRequest
from station_app.sync.loopback import LoopbackServer

AuthorityStatus = Literal["valid", "invalid", "revoked"]


@dataclass(frozen=True)
class IssuedCertificate:
    reference_number: str
    reference_code: str
    claims: CooClaims
    status: AuthorityStatus = "valid"
    reasons: tuple[str, ...] = ()


class DemoAuthority:
    """The register of certificates one authority issued, as a FastAPI app."""

    def __init__(self, issued: tuple[IssuedCertificate, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._issued = {cert.reference_number: cert for cert in issued}
        self.requests = 0
        self.broken_answers = 0
        self.app = FastAPI(title="demo issuing authority")
        self.app.post("/verify", response_model=None)(self._verify)

    def issue(self, certificate: IssuedCertificate) -> None:
        with self._lock:
            self._issued[certificate.reference_number] = certificate

    def _verify(self, body: AuthorityVerifyRequest) -> Response | dict[str, Any]:
        with self._lock:
            self.requests += 1
            if self.broken_answers > 0:
                self.broken_answers -= 1
                return Response(b"<html>maintenance", media_type="application/json")
            cert = self._issued.get(body.reference_number)
        if cert is None or not hmac.compare_digest(
            cert.reference_code.encode(), body.reference_code.encode()
        ):
            answer = AuthorityAnswer(status="unknown", reasons=["no certificate with this code"])
        else:
            answer = AuthorityAnswer(
                status=cert.status,
                reasons=list(cert.reasons),
                certificate=claims_to_json(cert.claims),
            )
        return answer.model_dump(mode="json")


class AuthorityServer(LoopbackServer):
    """``DemoAuthority`` served by uvicorn in a background thread on 127.0.0.1."""

    def __init__(self, authority: DemoAuthority | None = None) -> None:
        self.authority = authority or DemoAuthority()
        super().__init__(self.authority.app, name="demo authority")
