"""A real local SMTP server's handler for the mail tests (aiosmtpd), and a free port for it."""
from __future__ import annotations

import socket


class Inbox:
    """An aiosmtpd handler keeping what arrives; it answers 451 to the first `refuse` messages."""

    def __init__(self, refuse: int = 0):
        self.messages: list = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
