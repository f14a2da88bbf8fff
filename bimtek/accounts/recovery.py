"""Staff "lupa kata sandi": a single-use link (30 min) mailed to the address, same answer for any address."""
from bimtek.accounts import services, throttle, tokens
from bimtek.core.errors import ValidationError
from bimtek.mail.services import absolute_url, queue_mail


def request_password_reset(email, secret_key):
    """Mail a reset link to a staff account, or a short notice to any other address (flush only)."""
    email = services.normalize_email(email)
    if not throttle.allow_sign_in_mail(email):
        return None
    user = services.find_by_email(email)
    staff = user if user is not None and user.is_staff and user.is_active else None
    token, _code = tokens.issue(tokens.PASSWORD_RESET, staff, secret_key)
    if staff is None:
        return queue_mail(email, "Permintaan atur ulang kata sandi Bimtek Daring", "password_reset_unknown",
                          participant_login_url=absolute_url("registration.participant_login"))
    return queue_mail(email, "Atur ulang kata sandi Bimtek Daring", "password_reset", user=staff,
                      link=absolute_url("accounts.reset_password", token=token), minutes=tokens.TOKEN_MINUTES)


def reset_link_is_usable(token, secret_key):
    """True while the link is valid, unexpired and unused (nothing is used up)."""
    return tokens.link_is_usable(tokens.PASSWORD_RESET, token, secret_key)


def reset_password(token, password, secret_key):
    """Use the link once and set the new password (all sessions end); return the user."""
    services.hash_password(password)  # refuse a weak password before the link is used up
    user = tokens.consume_link(tokens.PASSWORD_RESET, token, secret_key)
    if not user.is_staff:
        raise ValidationError(tokens.INVALID_LINK)
    services.set_password(user, password)
    tokens.invalidate_for(user, tokens.PASSWORD_RESET)
    return user
