"""How delivery reaches the SMTP server and how hard it tries (MAIL_*, DELIVERY_*, WEBHOOK_*)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from typing import Any

from tracker.netguard import Network, parse_networks
from tracker.notifications.rules import backoff


@dataclass(frozen=True)
class DeliverySettings:
    """How to reach the SMTP server and how hard to try (from the app's configuration)."""

    server: str | None = None
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "Pantau Pakta <pantau-pakta@localhost>"
    timeout: float = 10.0
    batch_size: int = 50
    max_attempts: int = 48
    backoff_seconds: int = 60
    backoff_max_seconds: int = 3600
    claim_seconds: int = 900
    webhook_timeout: float = 10.0
    # Networks a webhook may reach besides the public internet (WEBHOOK_ALLOWED_NETWORKS).
    webhook_allowed_networks: tuple[Network, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeliverySettings:
        """Read the ``MAIL_*``, ``DELIVERY_*`` and ``WEBHOOK_*`` keys of a Flask config."""
        sender = config.get("MAIL_DEFAULT_SENDER") or cls.sender
        if isinstance(sender, list | tuple):  # Flask-Mail also accepts (name, address)
            sender = str(Address(display_name=sender[0], addr_spec=sender[1]))
        return cls(
            server=config.get("MAIL_SERVER") or None,
            port=int(config.get("MAIL_PORT") or 25),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            sender=str(sender),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS") or 10),
            batch_size=int(config.get("DELIVERY_BATCH_SIZE") or 50),
            max_attempts=int(config.get("DELIVERY_MAX_ATTEMPTS") or 48),
            backoff_seconds=int(config.get("DELIVERY_BACKOFF_SECONDS") or 60),
            backoff_max_seconds=int(config.get("DELIVERY_BACKOFF_MAX_SECONDS") or 3600),
            claim_seconds=int(config.get("DELIVERY_CLAIM_SECONDS") or 900),
            webhook_timeout=float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 10),
            webhook_allowed_networks=parse_networks(config.get("WEBHOOK_ALLOWED_NETWORKS")),
        )

    def wait_after(self, attempts: int) -> timedelta:
        """Return the wait before the next try after ``attempts`` failed ones."""
        return backoff(
            attempts, base_seconds=self.backoff_seconds, max_seconds=self.backoff_max_seconds
        )
