"""POST /webhooks/zoom with what a stranger (or a broken proxy) sends: missing or odd headers, bodies that are not
JSON or too big (declared or chunked), another content type, signed payloads of the wrong shape — always a clean
4xx (or 200 for a well-signed delivery we simply do not record), never a 500."""
import io
import json
import time

import pytest
import sqlalchemy as sa

from bimtek.zoom import webhook
from bimtek.zoom.models import ZoomEvent
from tests.integration.test_zoom_app import setup, zoom_server  # noqa: F401 (fixtures)
from tests.integration.test_zoom_webhooks import TOKEN, hooked  # noqa: F401 (fixture)


def _signed(body, token=TOKEN, **headers):
    timestamp = str(int(time.time()))
    return {"x-zm-request-timestamp": timestamp, "x-zm-signature": webhook.signature(token, timestamp, body),
            **headers}


@pytest.mark.parametrize("headers", [
    {}, {"x-zm-signature": "v0=abc"}, {"x-zm-request-timestamp": "abc", "x-zm-signature": "v0=abc"},
    {"x-zm-request-timestamp": "9" * 5000, "x-zm-signature": "v0=abc"},
    {"x-zm-request-timestamp": "-1e9", "x-zm-signature": "v0="},
    {"x-zm-request-timestamp": str(int(time.time())), "x-zm-signature": "v0=\u00ff\u00fe"},
    {"x-zm-request-timestamp": str(int(time.time())), "x-zm-signature": "v0=" + "a" * 10000},
])
def test_unsigned_or_oddly_signed_deliveries_are_401(client, hooked, headers):  # noqa: F811
    answer = client.post("/webhooks/zoom", data=b'{"event": "meeting.ended"}', headers=headers,
                         content_type="application/json")
    assert answer.status_code == 401


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe\x00", b"[1, 2]", b"", b"null", b'"text"'])
def test_signed_bodies_that_are_not_a_json_object_are_400(client, hooked, body):  # noqa: F811
    answer = client.post("/webhooks/zoom", data=body, headers=_signed(body), content_type="application/json")
    assert answer.status_code == 400


@pytest.mark.parametrize("payload", [
    {"event": "endpoint.url_validation", "payload": []},
    {"event": "endpoint.url_validation", "payload": "x"},
    {"event": "endpoint.url_validation", "payload": {"plainToken": {"a": 1}}},
    {"event": "meeting.participant_joined", "payload": []},
    {"event": "meeting.participant_joined", "payload": {"object": "x"}},
    {"event": "meeting.participant_joined", "payload": {"object": {"id": "81234567890", "participant": "x"}}},
    {"event": "meeting.participant_joined", "payload": {"object": {"id": ["x"], "participant": {
        "user_name": "A", "join_time": "2020-07-21T01:00:00Z"}}}},
    {"event": "meeting.participant_left", "payload": {"object": {"id": "81234567890", "participant": {
        "user_name": ["A"], "leave_time": 12345}}}},
    {"event": "meeting.ended", "payload": {"object": {"id": "81234567890", "end_time": "9999-99-99"}}},
    {"event": "meeting.ended", "payload": {"object": {"id": "81234567890", "end_time": "9999-12-31T23:59:59Z"}}},
    {"event": "meeting.participant_joined", "payload": {"object": {"id": "81234567890", "participant": {
        "user_name": "A", "join_time": "0001-01-01T00:00:00+14:00"}}}},
    {"event": ["meeting.ended"]},
])
def test_signed_payloads_of_the_wrong_shape_never_500(client, db, hooked, payload):  # noqa: F811
    body = json.dumps(payload).encode()
    answer = client.post("/webhooks/zoom", data=body, headers=_signed(body), content_type="application/json")
    assert answer.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count(ZoomEvent.id))) == 0


def test_other_content_types_are_read_as_the_raw_body(client, hooked):  # noqa: F811
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        answer = client.post("/webhooks/zoom", data=body, headers=_signed(body), content_type=content_type)
        assert answer.status_code == 200 and answer.get_json()["plainToken"] == "abc"


def test_big_bodies_are_refused_declared_or_chunked(client, hooked):  # noqa: F811
    big = b'{"event": "x", "pad": "' + b"a" * (webhook.MAX_BODY + 10) + b'"}'
    answer = client.post("/webhooks/zoom", data=big, headers=_signed(big), content_type="application/json")
    assert answer.status_code == 413

    stream = io.BytesIO(b"a" * 12 * 2**20)  # 12 MB without a Content-Length (chunked)
    answer = client.post("/webhooks/zoom", input_stream=stream, headers={**_signed(b"x")},
                         content_type="application/json", environ_overrides={"wsgi.input_terminated": True})
    assert answer.status_code == 413
    assert stream.tell() <= 2 * webhook.MAX_BODY  # the rest was never read


def test_only_post_is_answered(client, hooked):  # noqa: F811
    assert client.get("/webhooks/zoom").status_code == 405
