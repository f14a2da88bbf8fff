"""Outbox messages written as bytes directly (pure: no Flask), for the common case: a plain address, text with an
optional HTML alternative and simply named attachments.

The email package's EmailMessage (policy objects, header registry, content managers, the generator) cost more
than everything else of a registration's "received" e-mail. These functions write what it writes for such a
message, read back identically by any mail reader (tests/integration/test_mail_mime.py compares both): text
parts quoted-printable UTF-8 with the same line-end normalisation as `set_content`, attachments base64, the
Subject and From lines folded by the caller (headers.subject_line, email's own folder for From). Anything else
(display names, unusual file names) goes through services.build_message.
"""
from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from email.utils import formatdate, make_msgid

_SIMPLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SIMPLE_TYPE = re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+")


def plain_address(to: str) -> bool:
    """An address that needs no quoting or encoding in the To line."""
    return to.isascii() and to.isprintable() and len(to) < 70 and not any(c in to for c in ' ,;:"<>()[]\\')


def simple_attachments(attachments: Sequence[tuple[str, str, bytes]]) -> bool:
    """Every attachment has a plain ASCII file name and a bare type/subtype (no parameters)."""
    return all(_SIMPLE_NAME.fullmatch(name) and _SIMPLE_TYPE.fullmatch(mimetype) for name, mimetype, _ in attachments)


def text_part(text: str, subtype: str = "plain") -> bytes:
    """A text/<subtype> part: UTF-8, quoted-printable, lines as EmailMessage.set_content normalises them."""
    body = binascii.b2a_qp("\n".join(text.splitlines()).encode("utf-8") + b"\n", istext=True)
    return (f'Content-Type: text/{subtype}; charset="utf-8"\n'
            "Content-Transfer-Encoding: quoted-printable\n\n").encode("ascii") + body


def attachment_part(filename: str, mimetype: str, data: bytes) -> bytes:
    """A base64 attachment part (76-character lines)."""
    encoded = base64.b64encode(data)
    lines = b"\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    return (f"Content-Type: {mimetype}\nContent-Transfer-Encoding: base64\n"
            f'Content-Disposition: attachment; filename="{filename}"\n\n').encode("ascii") + lines + b"\n"


def multipart(subtype: str, parts: Sequence[bytes]) -> bytes:
    """A multipart/<subtype> entity of `parts`. The boundary holds '=', which neither quoted-printable nor
    base64 bodies can start a line with, so it never occurs inside a part."""
    boundary = "===============" + secrets.token_hex(10) + "=="
    out = [f'Content-Type: multipart/{subtype};\n boundary="{boundary}"\n\n'.encode("ascii")]
    for part in parts:
        out.append(f"--{boundary}\n".encode("ascii") + part + b"\n")
    out.append(f"--{boundary}--\n".encode("ascii"))
    return b"".join(out)


def message(shared_headers: bytes, to: str, host: str, text: str, html: str | None = None,
            attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """The whole message: `shared_headers` (the folded From and Subject lines), To, Date, Message-ID, MIME-Version
    and the body (text, or multipart/alternative with html, inside multipart/mixed with attachments)."""
    body = text_part(text)
    if html:
        body = multipart("alternative", [body, text_part(html, "html")])
    if attachments:
        body = multipart("mixed", [body] + [attachment_part(*attachment) for attachment in attachments])
    head = (f"To: {to}\nDate: {formatdate(localtime=False)}\nMessage-ID: {make_msgid(domain=host)}\n"
            "MIME-Version: 1.0\n")
    return shared_headers + head.encode("ascii") + body
