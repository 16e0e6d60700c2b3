"""Optional error reporting to Sentry (or a compatible server such as GlitchTip): ``SENTRY_DSN``.

Unset, nothing is imported or sent. Set, sentry-sdk reports unhandled errors of requests,
Celery tasks and Redis calls; ``send_default_pii=False`` keeps users' addresses, cookies and
request bodies out, and every event is tagged with the request id and the tenant (schema) of
the work it happened in, and masked like the logs (phone and ID-card numbers).
"""

from __future__ import annotations

from typing import Any

from partycloud.observability.context import current
from partycloud.observability.logs import mask_personal_data


def tag_and_mask(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """``before_send``: the work's tags, and no personal data in messages or exception values."""
    work = current()
    if work is not None:
        tags = event.setdefault("tags", {})
        for key, value in (
            ("request_id", work.request_id),
            ("tenant", work.current_tenant()),
            ("task_id", work.task_id),
        ):
            if value:
                tags[key] = value
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if isinstance(logentry.get(key), str):
            logentry[key] = mask_personal_data(logentry[key])
    if isinstance(event.get("message"), str):
        event["message"] = mask_personal_data(event["message"])
    for exception in (event.get("exception") or {}).get("values", []):
        if isinstance(exception.get("value"), str):
            exception["value"] = mask_personal_data(exception["value"])
    return event


def init_sentry(dsn: str, *, environment: str, release: str, traces_sample_rate: float) -> bool:
    """Start the SDK when a DSN is given (settings call this); False when there is none."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.redis import RedisIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        # Request bodies never leave (the masses' ballot codes, among others, are in POST bodies).
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        before_send=tag_and_mask,  # type: ignore[arg-type]
        # Local variables in stack frames may hold members' records.
        include_local_variables=False,
    )
    return True
