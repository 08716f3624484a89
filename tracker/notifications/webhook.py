"""The webhook copy of a notice: a signed JSON POST to the regency's own relay.

A regency may run a gateway (WhatsApp, SMS) that relays notices. Each outbox row whose
``webhook_state`` is ``"pending"`` is POSTed, during the delivery pass and outside any
database transaction, to ``Regency.webhook_url`` as ``application/json`` (UTF-8) with:

- ``X-Pantau-Timestamp``: the send time in Unix seconds;
- ``X-Pantau-Signature``: ``sha256=`` + the hex HMAC-SHA256, keyed with
  ``Regency.webhook_secret``, of the bytes ``<timestamp>.<raw body>`` (the timestamp, a dot,
  then the body exactly as received). Signing the timestamp lets the receiver refuse replays:
  recompute the HMAC, compare in constant time, and reject timestamps older than a few
  minutes;
- ``X-Pantau-Kind``: the notice kind; ``X-Pantau-Delivery``: the notice's stable Message-ID
  (the same on every retry, so the receiver can drop a repeat).

Any 2xx answer is success; anything else (another status, a redirect, a timeout, a refused
connection) is retried with the mail's backoff and counted in ``webhook_attempts``.

The host is resolved at each sending and refused when it leads inside (tracker.netguard); the
request then goes to the address that was checked. The outbox records a fixed sentence or the
HTTP status, never the connection error's text.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from tracker import netguard
from tracker.notifications.models import Notification
from tracker.regencies.models import Regency

log = logging.getLogger(__name__)

PENDING = "pending"
SENT = "sent"
FAILED = "failed"

SIGNATURE_HEADER = "X-Pantau-Signature"
TIMESTAMP_HEADER = "X-Pantau-Timestamp"


def payload(row: Notification, regency: Regency | None) -> dict[str, Any]:
    """Return the JSON document POSTed for ``row``."""
    return {
        "id": row.id,
        "kind": row.kind,
        "message_id": row.message_id,
        "regency": (
            {"id": regency.id, "slug": regency.slug, "name": regency.name}
            if regency
            else {"id": row.regency_id}
        ),
        "pact_id": row.pact_id,
        "due_on": row.due_on.isoformat() if row.due_on else None,
        "lang": row.lang,
        "subject": row.subject,
        "text": row.body_text,
        "recipients": [
            {"name": r.get("name", ""), "email": r.get("email"), "role": r.get("role", "to")}
            for r in row.recipients
        ],
        "unsubscribe_url": row.unsubscribe_url,
        "created_at": row.created_at.isoformat(),
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Check a signature as a receiver would (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


# What the outbox says of a failure. Never the connection error itself: "connection refused"
# against "timed out" against "no route" would tell an admin which ports of which hosts are
# open; the log keeps the details for the operator.
UNREACHABLE = "the relay could not be reached"
REFUSED_ADDRESS = "the webhook address leads to a private or local network: not sent"


def post(
    *,
    url: str | None,
    secret: str | None,
    payload: dict[str, Any],
    now: datetime,
    timeout: float,
    allowed_networks: tuple[netguard.Network, ...] = (),
    resolver: netguard.Resolver | None = None,
) -> tuple[bool, str | None]:
    """POST ``payload`` signed to the address ``url`` resolves to, once checked.

    Return (delivered, error): the error is one of a few fixed sentences or ``HTTP <status>``.
    """
    if not url:
        return False, "the regency has no webhook URL any more"
    if urlsplit(url).scheme not in ("http", "https"):
        return False, "the webhook URL must be http or https"
    if not secret:
        return False, "the regency's webhook has no secret to sign with"
    try:
        destination = netguard.check_url(
            url, allowed=allowed_networks, resolver=resolver, timeout=timeout
        )
    except netguard.Unresolvable as exc:
        log.warning("webhook not sent to %s: %s", url, exc)
        return False, UNREACHABLE
    except netguard.UnsafeDestination as exc:
        log.warning("webhook not sent to %s: %s", url, exc)
        return False, REFUSED_ADDRESS
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Pantau-Pakta-webhook/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        "X-Pantau-Kind": str(payload.get("kind", "")),
        "X-Pantau-Delivery": str(payload.get("message_id", "")),
    }
    try:
        status = netguard.post(destination, body=body, headers=headers, timeout=timeout)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        log.warning("webhook to %s failed: %s: %s", url, type(exc).__name__, exc)
        return False, UNREACHABLE
    if 200 <= status < 300:
        return True, None
    return False, f"HTTP {status}"
