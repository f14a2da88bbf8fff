"""The Subject header, folded by hand (pure).

Python 3.11's header folder (EmailMessage, policy.fold_binary) gets non-ASCII subjects wrong: it leaves a space
before a fold that starts with an encoded word (the reader sees "Literasi  —"), drops the space between two
encoded words ("“TPBIS”“TPBIS”") and fails outright on a short one in fold_binary. The legacy Header class
encodes the whole subject as UTF-8 encoded words whose folds every reader removes, so it reads back exactly.
"""
from email.header import Header


def clean_subject(subject: object) -> str:
    """One line, single spaces, nothing around it (also: no header injection through newlines)."""
    return " ".join(str(subject).split())


def subject_line(subject: object) -> bytes:
    """b"Subject: …\\n", ASCII, folded under 78 columns."""
    text = clean_subject(subject)
    charset = "us-ascii" if text.isascii() else "utf-8"
    return ("Subject: " + Header(text, charset, header_name="Subject").encode(linesep="\n") + "\n").encode("ascii")


def with_subject(raw: bytes, subject: object) -> bytes:
    """`raw` (a generated message, LF line ends) with its Subject header replaced by subject_line(subject)."""
    head, separator, body = raw.partition(b"\n\n")
    lines, replaced, folding = [], False, False
    for line in head.split(b"\n"):
        if folding and line[:1] in (b" ", b"\t"):
            continue  # a continuation of the old Subject
        folding = line.lower().startswith(b"subject:")
        if folding and not replaced:
            lines.append(subject_line(subject).rstrip(b"\n"))
            replaced = True
        elif not folding:
            lines.append(line)
    return b"\n".join(lines) + separator + body
