"""A real SMTP server on loopback (aiosmtpd) that asks for STARTTLS and AUTH like a Dinas or provider server.

    with smtp_server() as server:          # server.settings(): the app config that points at it
        ...deliver...
        server.messages                     # email.message.EmailMessage objects, in arrival order

`server.drop_on(n)` makes the server cut the connection (no reply) while receiving the n-th DATA
(counting from 1 over the server's life); that message is not kept, as a real server would not have accepted it.
"""
import email
import email.policy
import ssl
import threading
from contextlib import contextmanager

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.integration.processes import free_port

USERNAME, PASSWORD = "bimtek@dinas.example.id", "rahasia-uji"


class RecordingHandler:
    def __init__(self):
        self.messages, self.envelopes, self.logins = [], [], []
        self.data_count, self.drop_at = 0, set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_count += 1
            drop = self.data_count in self.drop_at
        if drop:
            server.transport.abort()  # connection lost before the 250: the client must not count it as sent
            return "421 4.3.0 connection lost"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 2.0.0 OK"


def _authenticate(handler):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode(), auth_data.password.decode()) == (USERNAME, PASSWORD)
        handler.logins.append((mechanism, auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535
    return check


class SmtpTestServer:
    def __init__(self, controller, handler, ca_file):
        self.controller, self.handler, self.ca_file = controller, handler, ca_file

    @property
    def messages(self):
        return self.handler.messages

    def drop_on(self, *numbers):
        self.handler.drop_at.update(numbers)

    def settings(self, **extra):
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.controller.port, "MAIL_USE_TLS": True,
                "MAIL_USERNAME": USERNAME, "MAIL_PASSWORD": PASSWORD, "MAIL_CA_FILE": self.ca_file, **extra}


@contextmanager
def smtp_server(tmp_path):
    """Start the server with a certificate made now (a test CA trusted only through MAIL_CA_FILE)."""
    authority = trustme.CA()
    ca_file = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    server_context = _server_context(authority)
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), tls_context=server_context,
                            require_starttls=True, auth_required=True, authenticator=_authenticate(handler),
                            server_hostname="127.0.0.1")
    controller.start()
    try:
        yield SmtpTestServer(controller, handler, str(ca_file))
    finally:
        controller.stop()


def _server_context(authority):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@contextmanager
def configured(app, server, **extra):
    """Point the app's mail settings at the server for the duration of the block."""
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_CA_FILE",
            *extra)
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(server.settings(**extra))
    try:
        yield server
    finally:
        app.config.update(saved)
