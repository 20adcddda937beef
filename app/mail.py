"""Sending one plain-text email through the SMTP server of ``SMTP_URL`` (SPEC §5).

``SMTP_URL`` is ``smtp://host:port``, ``smtp+starttls://user:password@host:port`` or
``smtps://...``; unset, no email is sent (``send`` says so by returning False). Emails carry
links and neutral words only, never answers.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def send(to: str, subject: str, text: str) -> bool:
    """Send ``text`` to ``to``; False when no SMTP server is configured."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        log.info("email not sent: SMTP_URL is not set")
        return False
    parts = urlsplit(str(url))
    message = EmailMessage()
    message["From"] = str(current_app.config.get("MAIL_FROM") or "prescreen@localhost")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    secure = parts.scheme == "smtps"
    client = smtplib.SMTP_SSL if secure else smtplib.SMTP
    port = parts.port or (465 if secure else 25)
    with client(parts.hostname or "localhost", port, timeout=15) as server:
        if parts.scheme == "smtp+starttls":
            server.starttls()
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(message)
    log.info("email sent")  # no address, no subject: nothing about the person
    return True
