"""The bytes of an e-mail of the usual shape, written directly (pure: the standard library only).

services.build_message (the email package's EmailMessage) parses every header it is given and folds it again
when the message is written: that took more CPU than anything else in a registration. Almost every message has
one shape: a plain recipient address, a text body, perhaps an HTML alternative and attachments with plain names.
For that shape raw_message writes the very bytes build_message + headers.with_subject would give: the bodies are
encoded by the email package's own functions (the same choice of 7bit, 8bit, quoted-printable or base64), the
boundaries come from its generator, the From line from its header folder (once per sender). Any other message
gives None and the caller builds it with build_message (tests/unit/mail/test_mime.py compares the two).
"""
import functools
import re
from email.contentmanager import _encode_base64, _encode_text  # the encoders set_content uses
from email.generator import BytesGenerator
from email.policy import default as POLICY
from email.utils import formatdate, make_msgid

from bimtek.mail.headers import subject_line

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_MIME_TOKEN = re.compile(r"[a-z0-9][a-z0-9.+-]*")
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_BOUNDARY_LENGTH = 36  # the generator's "=" * 15 + 19 digits + "==" (a clash with the text makes it longer)


def raw_message(sender, to, subject, text, html=None, attachments=(), host="bimtek.local"):
    """RFC 5322 bytes (LF line ends) of the message, or None when it is not of the usual shape."""
    if not _plain(to, host) or not all(_plain_attachment(*attachment) for attachment in attachments):
        return None
    message_id = make_msgid(domain=host)
    if len(message_id) > POLICY.max_line_length - len("Message-ID: "):
        return None
    head = [_from_line(sender), f"To: {to}\n".encode("ascii"), subject_line(subject),
            f"Date: {formatdate(localtime=False)}\nMessage-ID: {message_id}\n".encode("ascii")]
    content = _text_part(text, "plain", mime_version=False)
    if html:
        content = _multipart("alternative", [content, _text_part(html, "html", mime_version=True)])
    if attachments:
        content = _multipart("mixed", [content] + [_attachment(*attachment) for attachment in attachments])
    if content is None:
        return None
    headers, body = content
    if html or attachments:  # EmailMessage moves the first part's content headers below MIME-Version
        head.append(b"MIME-Version: 1.0\n" + headers)
    else:
        head.append(headers + b"MIME-Version: 1.0\n")
    return b"".join(head) + b"\n" + body


def _plain(to, host):
    return (to.isascii() and len(to) < 70 and _PLAIN_ADDRESS.fullmatch(to) is not None
            and host.isascii() and _HOST.fullmatch(host) is not None)


def _plain_attachment(filename, mimetype, data):
    maintype, _, subtype = mimetype.split(";")[0].strip().partition("/")
    return (isinstance(data, bytes) and isinstance(filename, str) and filename.isascii()
            and _FILENAME.fullmatch(filename) is not None and len(filename) <= 34
            and _MIME_TOKEN.fullmatch(maintype) is not None and _MIME_TOKEN.fullmatch(subtype or "x") is not None
            and len(maintype) + len(subtype) <= 40)


@functools.lru_cache(maxsize=16)
def _from_line(sender):
    """The From line as EmailMessage writes it (parsed and folded: quoting, encoded words)."""
    return POLICY.fold_binary("From", POLICY.header_factory("From", sender))


def _text_part(text, subtype, mime_version):
    """(headers, body) of a text part: set_content's encoding and headers."""
    cte, payload = _encode_text(text, "utf-8", None, POLICY)
    headers = f'Content-Type: text/{subtype}; charset="utf-8"\nContent-Transfer-Encoding: {cte}\n'
    if mime_version:
        headers += "MIME-Version: 1.0\n"
    return headers.encode("ascii"), payload.encode("ascii", "surrogateescape")


def _attachment(filename, mimetype, data):
    maintype, _, subtype = mimetype.split(";")[0].strip().partition("/")
    headers = (f"Content-Type: {maintype}/{subtype or 'octet-stream'}\nContent-Transfer-Encoding: base64\n"
               f'Content-Disposition: attachment; filename="{filename}"\nMIME-Version: 1.0\n')
    return headers.encode("ascii"), _encode_base64(data, POLICY.max_line_length).encode("ascii")


def _multipart(subtype, parts):
    """(headers, body) of a multipart/<subtype> of (headers, body) parts, as BytesGenerator writes it."""
    if any(part is None for part in parts):
        return None
    flat = [headers + b"\n" + body for headers, body in parts]
    boundary = BytesGenerator._make_boundary(b"\n".join(flat))
    if len(boundary) != _BOUNDARY_LENGTH:
        return None
    line = f'Content-Type: multipart/{subtype}; boundary="{boundary}"'
    if len(line) > POLICY.max_line_length:
        line = f'Content-Type: multipart/{subtype};\n boundary="{boundary}"'
    delimiter = b"\n--" + boundary.encode("ascii") + b"\n"
    body = delimiter[1:] + delimiter.join(flat) + delimiter[:-1] + b"--\n"
    return (line + "\n").encode("ascii"), body
