"""Participant sign-in by proof of the mailbox (flush only; views commit).

A registration number and an e-mail address are public knowledge (participants show the number in their
Zoom name), so neither signs anyone in. Every way in goes through a message sent to the address: a one-time
link, or the 6-digit code from the same message typed in the browser that asked for it. Known and unknown
addresses get the same answer and the same work (a token row and one queued message), and every message of
this kind counts against one per-recipient budget, so the pages reveal nothing and cannot flood a mailbox.
"""
from bimtek.accounts import services as accounts, throttle, tokens
from bimtek.accounts.models import Role
from bimtek.core.errors import ValidationError
from bimtek.mail.services import absolute_url, queue_mail
from bimtek.registration import services as registration_services


def request_sign_in(email, secret_key, browser_key):
    """Mail a link + code to a participant address, or a short notice to any other address."""
    email = accounts.normalize_email(email)
    if not throttle.allow_sign_in_mail(email):
        return None
    user = accounts.find_by_email(email)
    participant = _active_participant(user)
    token, code = tokens.issue(tokens.PARTICIPANT, participant, secret_key, browser_key)
    if participant is None:
        return queue_mail(email, "Permintaan masuk halaman peserta Bimtek", "login_unknown",
                          staff=user is not None and user.is_staff,
                          register_url=absolute_url("trainings.list_public"),
                          staff_login_url=absolute_url("accounts.login"))
    return queue_mail(email, f"Kode masuk {code} — halaman peserta Bimtek", "login_link", user=participant,
                      link=absolute_url("registration.consume_login", token=token), code=code,
                      minutes=tokens.TOKEN_MINUTES)


def notify_duplicate(registration, secret_key, allowed):
    """Someone registered again with an address that already holds a registration: mail the owner their
    registration (as the status mail, schedule included) with a sign-in link.

    `allowed` is the per-recipient budget, taken before the registration attempt; when it is spent the message
    is still built (same time) but not sent.
    """
    participant = _active_participant(registration.user)
    link = None
    if participant is not None:
        token, _code = tokens.issue(tokens.PARTICIPANT, participant if allowed else None, secret_key)
        link = absolute_url("registration.consume_login", token=token)
    return registration_services.send_status_mail(registration, "repeat", login_link=link, store=allowed)


def _active_participant(user):
    """`user` when it is an active participant account (the only kind these links sign in), else None."""
    return user if user is not None and user.role == Role.PESERTA.value and user.is_active else None


def sign_in_with_link(token, secret_key):
    """The participant of an e-mailed link (used up now), else ValidationError."""
    return _participant_only(tokens.consume_link(tokens.PARTICIPANT, token, secret_key))


def sign_in_with_code(browser_key, code, secret_key):
    """The participant whose code, asked for in this browser, matches; else ValidationError."""
    return _participant_only(tokens.verify_code(tokens.PARTICIPANT, browser_key, code, secret_key))


def _participant_only(user):
    if user.role != Role.PESERTA.value:
        raise ValidationError(tokens.INVALID_LINK)
    return user
