"""Authorization expectations of the liveness check ``/healthz`` (kaohe.web.views.healthz):
open to everyone, it answers ``ok`` and reveals nothing else."""

from __future__ import annotations

from authz_common import Case, everyone

NOT_ALLOWED = "405"

CASES: tuple[Case, ...] = (
    Case("web:healthz", "/healthz", everyone("200")),
    Case("web:healthz", "/healthz", everyone(NOT_ALLOWED), method="post", note="GET/HEAD only"),
)
