"""POST /webhooks/zoom: Zoom's event deliveries (the only CSRF-exempt route: Zoom signs it instead)."""
import time

from flask import Blueprint, current_app, jsonify, request

from bimtek.extensions import csrf, db, limiter
from bimtek.zoom import webhook
from bimtek.zoom.services import live

bp = Blueprint("zoom_webhooks", __name__)


@bp.route("/webhooks/zoom", methods=["POST"])
@csrf.exempt
@limiter.limit("600 per minute")
def receive():
    """Verify x-zm-signature (fresh, not replayed), answer URL validation, record participant/meeting events."""
    if (request.content_length or 0) > webhook.MAX_BODY:
        return jsonify(error="too large"), 413
    body = request.stream.read(webhook.MAX_BODY + 1)  # bounded also without a Content-Length (chunked)
    if len(body) > webhook.MAX_BODY:
        return jsonify(error="too large"), 413
    sent = request.headers.get("x-zm-signature", "")
    try:  # the signature first: nothing of an unsigned body is read
        scopes = live.secret_scopes(current_app.config)
        secret = webhook.matching_secret([token for token, _ in scopes],
                                         request.headers.get("x-zm-request-timestamp"), body, sent, time.time())
        payload = webhook.parse_body(body)
    except webhook.WebhookRefused as refused:
        return jsonify(error=str(refused)), refused.status
    if payload.get("event") == webhook.VALIDATION:
        return jsonify(webhook.url_validation(secret, payload))
    if not live.remember_delivery(sent):
        db.session.rollback()
        return jsonify(error="replay"), 409
    event = webhook.event_of(payload)
    trainings = live.trainings_of_secret(scopes, secret)
    recorded = live.record_event(event, current_app.config, trainings) if event else 0
    db.session.commit()
    return jsonify(recorded=recorded)
