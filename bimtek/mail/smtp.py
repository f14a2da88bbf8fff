"""One SMTP connection reused for a batch of messages (pure: smtplib and ssl only).

A connection is opened on the first message (STARTTLS and AUTH when configured) and reused for the
following ones, as providers and Dinas mail servers prefer. When the server drops the connection, the
message being sent raises and the connection is closed; the next message opens a fresh one. The caller
marks a message sent only after `send` returned, i.e. after the server answered 250 to its DATA.
"""
import re
import smtplib
import ssl
from dataclasses import dataclass

TIMEOUT = 15
_LINE_END = re.compile(rb"\r?\n")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    use_tls: bool = True
    ca_file: str = ""  # extra CA bundle (a Dinas server with its own CA); empty: the system store
    timeout: float = TIMEOUT

    @classmethod
    def from_config(cls, config):
        return cls(host=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT") or 587),
                   username=config.get("MAIL_USERNAME") or "", password=config.get("MAIL_PASSWORD") or "",
                   use_tls=bool(config.get("MAIL_USE_TLS")), ca_file=config.get("MAIL_CA_FILE") or "")


def crlf(raw):
    """Line ends as SMTP requires: smtplib sends bytes as they are, and servers hardened against SMTP
    smuggling (Postfix smtpd_forbid_bare_newline, Exchange, Gmail) refuse the bare LF of a stored message."""
    return _LINE_END.sub(b"\r\n", raw)


class SmtpConnection:
    """Lazily opened, reused SMTP session; use as a context manager so it is closed politely."""

    def __init__(self, settings):
        self.settings = settings
        self._smtp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, sender, recipient, raw):
        """Hand one message to the server; raises on refusal or when the connection is lost."""
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.sendmail(sender, [recipient], crlf(raw))
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server is closing the connection
                self._drop()
            raise

    def _open(self):
        settings = self.settings
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            if settings.use_tls:
                context = ssl.create_default_context(cafile=settings.ca_file or None)
                smtp.starttls(context=context)
            if settings.username:
                smtp.login(settings.username, settings.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self):
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def close(self):
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass  # already gone: nothing left to close politely
        finally:
            self._drop()
