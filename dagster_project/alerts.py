"""Failure alerts: one message per failed refresh, by e-mail (SMTP) and/or to a webhook (JSON
POST). Nothing is sent when neither is configured. Standard library only."""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage

from .settings import Settings, get_settings

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Alert:
    run_id: str
    reason: str
    reconciliation_page: str
    job: str = "refresh"

    @property
    def subject(self) -> str:
        return f"[autonomy-warehouse] refresh FAILED (run {self.run_id[:8]}): {self.reason[:120]}"

    @property
    def body(self) -> str:
        return (
            f"The {self.job} run {self.run_id} failed.\n\n"
            f"What failed: {self.reason}\n\n"
            "Nothing from this run was published when it failed before the publish step: analysts still "
            "read the previous night. A failure after publishing (a report) is named above.\n\n"
            f"Reconciliation page: {self.reconciliation_page}\n"
            f"Run in the Dagster UI: /runs/{self.run_id}\n"
        )

    def payload(self) -> dict[str, str]:
        return {
            "event": "refresh_failed",
            "job": self.job,
            "run_id": self.run_id,
            "reason": self.reason,
            "reconciliation_page": self.reconciliation_page,
            "text": f"{self.subject}\nReconciliation page: {self.reconciliation_page}",
        }


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)  # "email", "webhook"
    errors: list[str] = field(default_factory=list)


def configured(settings: Settings) -> bool:
    return bool((settings.smtp_host and settings.smtp_to) or settings.alert_webhook_url)


def send(alert: Alert, settings: Settings | None = None) -> Delivery:
    """Send `alert` through every configured channel; errors are returned, not raised (the
    caller logs them: a broken mail relay must not hide the failure it reports)."""
    settings = settings or get_settings()
    delivery = Delivery()
    if settings.smtp_host and settings.smtp_to:
        try:
            _email(alert, settings)
            delivery.sent.append("email")
        except (OSError, smtplib.SMTPException) as exc:
            delivery.errors.append(f"e-mail through {settings.smtp_host}:{settings.smtp_port}: {exc}")
    if settings.alert_webhook_url:
        try:
            _webhook(alert, settings.alert_webhook_url)
            delivery.sent.append("webhook")
        except (OSError, ValueError) as exc:
            delivery.errors.append(f"webhook {settings.alert_webhook_url}: {exc}")
    return delivery


def _email(alert: Alert, settings: Settings) -> None:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.smtp_from or f"autonomy-warehouse@{socket.getfqdn()}"
    message["To"] = ", ".join(settings.smtp_to)
    message.set_content(alert.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def _webhook(alert: Alert, url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError("the URL must start with http:// or https://")
    request = urllib.request.Request(
        url,
        data=json.dumps(alert.payload()).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "autonomy-warehouse"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only, checked above)
        if response.status >= 300:
            raise OSError(f"HTTP {response.status}")
