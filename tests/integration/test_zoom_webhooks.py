"""POST /webhooks/zoom: signature, staleness, replay, URL validation; live events → who is in the meeting now →
segments at meeting end with the same minutes as the report, which later supersedes them."""
import hashlib
import hmac
import json
import time

import pytest
import sqlalchemy as sa

from bimtek.attendance.models import AttendanceFile, AttendanceRecord
from bimtek.zoom import webhook
from bimtek.zoom.models import ZoomEvent
from bimtek.zoom.services import present_now
from tests import zoom_data
from tests.integration.test_zoom_app import connect, pull, records, setup, zoom_server  # noqa: F401 (fixtures)

TOKEN = "webhook-secret-token"


@pytest.fixture
def hooked(app, monkeypatch, client, db, setup, zoom_server):  # noqa: F811
    monkeypatch.setitem(app.config, "ZOOM_WEBHOOK_SECRET_TOKEN", TOKEN)
    training = setup[0]
    connect(client, training, zoom_server)
    return setup


def deliver(client, payload, token=TOKEN, timestamp=None, signature=None):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"x-zm-request-timestamp": timestamp,
               "x-zm-signature": signature or webhook.signature(token, timestamp, body)}
    return client.post("/webhooks/zoom", data=body, headers=headers, content_type="application/json")


def participant_event(kind, uuid, row):
    at = row["join_time"] if kind == webhook.JOINED else row["leave_time"]
    person = {"user_name": row["name"], "email": row["user_email"], "participant_uuid": row["name"],
              ("join_time" if kind == webhook.JOINED else "leave_time"): at}
    return {"event": kind, "event_ts": 1, "payload": {"account_id": "acc-1", "object": {
        "id": zoom_data.MEETING_ID, "uuid": uuid, "participant": person}}}


def ended_event(uuid, end_time):
    return {"event": webhook.ENDED, "payload": {"object": {"id": int(zoom_data.MEETING_ID), "uuid": uuid,
                                                           "end_time": end_time}}}


def test_url_validation_is_answered(client, hooked):
    answer = deliver(client, {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}})
    assert answer.status_code == 200
    expected = hmac.new(TOKEN.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert answer.get_json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


def test_wrong_stale_and_replayed_deliveries_are_refused(client, db, hooked):
    row = zoom_data.FIRST[1]
    event = participant_event(webhook.JOINED, zoom_data.SLASH_UUID, row)
    assert deliver(client, event, token="not-the-token").status_code == 401
    assert deliver(client, event, timestamp=int(time.time()) - 301).status_code == 401
    assert client.post("/webhooks/zoom", data=b"{}", content_type="application/json").status_code == 401
    timestamp = int(time.time())
    assert deliver(client, event, timestamp=timestamp).status_code == 200
    assert deliver(client, event, timestamp=timestamp).status_code == 409  # the same delivery again
    assert db.session.scalar(sa.select(sa.func.count(ZoomEvent.id))) == 1


def test_live_events_become_the_reports_minutes_and_the_report_supersedes_them(client, db, hooked, zoom_server):  # noqa: F811,E501
    training, regs, _ = hooked
    session = training.sessions[0]
    instances = ((zoom_data.SLASH_UUID, zoom_data.FIRST, "2020-07-21T03:05:00Z"),
                 (zoom_data.RESTART_UUID, zoom_data.SECOND, "2020-07-21T05:06:00Z"))
    for uuid, rows, _ in instances:
        for row in rows:
            if row["status"] == "in_meeting":  # waiting-room guests do not join the meeting
                assert deliver(client, participant_event(webhook.JOINED, uuid, row)).get_json() == {"recorded": 1}
    assert {name for name, _, _ in present_now(session)} >= {"Siti Rahayu", "iPhone"}
    page = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}").get_data(as_text=True)
    assert "Di rapat sekarang" in page and "iPhone" in page
    for uuid, rows, end in instances:
        for row in rows:
            if row["status"] == "in_meeting":
                deliver(client, participant_event(webhook.LEFT, uuid, row))
        deliver(client, ended_event(uuid, end))
    assert present_now(session) == []
    files = db.session.scalars(AttendanceFile.of_session(session.id)).all()
    assert [f.filename for f in files] == ["zoom-live-2020-07-21-0800.json"]
    live = records(db, session)
    assert live[regs[0].id][0] == (90 + 25 + 108) * 60
    pull(client, training, session)
    db.session.expire_all()
    files = db.session.scalars(AttendanceFile.of_session(session.id)).all()
    assert [f.filename for f in files] == ["zoom-81234567890-2020-07-21-0800.json"]  # never both
    reported = records(db, session)
    assert {k: v[0] for k, v in reported.items()} == {k: v[0] for k, v in live.items()}
    assert db.session.scalar(sa.select(sa.func.count(AttendanceRecord.id))) == 2


def test_events_of_unlinked_meetings_are_not_recorded(client, db, hooked):
    event = participant_event(webhook.JOINED, "x", zoom_data.FIRST[1])
    event["payload"]["object"]["id"] = "99999999999"
    assert deliver(client, event).get_json() == {"recorded": 0}


def test_a_trainings_own_secret_token_is_accepted(client, db, app, setup, zoom_server, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "ZOOM_WEBHOOK_SECRET_TOKEN", None)
    training = setup[0]
    zoom = zoom_server.zoom
    client.post(f"/kelola/pelatihan/{training.id}/zoom/koneksi", data={
        "account_id": zoom.account_id, "client_id": zoom.client_id, "client_secret": zoom.client_secret,
        "recurring_meeting_id": zoom_data.MEETING_ID, "webhook_token": "per-training-token"})
    event = participant_event(webhook.JOINED, zoom_data.SLASH_UUID, zoom_data.FIRST[1])
    assert deliver(client, event, token=TOKEN).status_code == 401
    assert deliver(client, event, token="per-training-token").get_json() == {"recorded": 1}
    page = client.get(f"/kelola/pelatihan/{training.id}/zoom").get_data(as_text=True)
    assert "per-training-token" not in page


def test_a_trainings_own_token_records_only_for_that_training(client, db, app, setup, zoom_server,  # noqa: F811
                                                              monkeypatch):
    from tests.factories import make_training

    monkeypatch.setitem(app.config, "ZOOM_WEBHOOK_SECRET_TOKEN", None)
    training = setup[0]
    other = make_training(code="LAIN2020", days=1)
    zoom = zoom_server.zoom
    for owner, token in ((training, ""), (other, "other-training-token")):
        client.post(f"/kelola/pelatihan/{owner.id}/zoom/koneksi", data={
            "account_id": zoom.account_id, "client_id": zoom.client_id, "client_secret": zoom.client_secret,
            "recurring_meeting_id": zoom_data.MEETING_ID if owner is training else "5550001111",
            "webhook_token": token})
    event = participant_event(webhook.JOINED, zoom_data.SLASH_UUID, zoom_data.FIRST[1])
    # signed with the other training's own token: accepted, but not recorded for this training's meeting
    assert deliver(client, event, token="other-training-token").get_json() == {"recorded": 0}
    assert db.session.scalar(sa.select(sa.func.count(ZoomEvent.id))) == 0
