"""The e2e server's mail outbox (no SMTP configured: every message is an .eml file under DATA_DIR/outbox)."""
import email
import email.policy
import time
from pathlib import Path


def mails_to(live_server, address):
    """(subject, plain body) of every message the server has written for `address`, oldest first."""
    found = []
    for path in sorted((Path(live_server.data_dir) / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            found.append((str(message["Subject"]), message.get_body(("plain",)).get_content()))
    return found


def wait_for_new_mail(live_server, address, already, timeout=20):
    """The first message to `address` beyond the `already` seen ones (the server writes them right after commit)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = mails_to(live_server, address)
        if len(found) > already:
            return found[already]
        time.sleep(0.2)
    raise AssertionError(f"no new e-mail to {address} within {timeout} s")
