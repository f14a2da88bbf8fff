"""The Zoom client and pull on data an outside checker would try: many pages, a token expiring in the middle of
paging, Retry-After as an HTTP date, a token lifetime shorter than the renewal margin, malformed or endless
answers, huge answers (bounded), an instance listed twice, and sessions across midnight in WITA/WIT."""
import json
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from werkzeug.wrappers import Response

from bimtek.zoom import client as zoom_client, errors, report
from tests import zoom_data
from tests.integration.test_zoom_client import Clock, client_for
from tests.zoom_standin import StandInServer, StandInZoom, participant

MANY = [participant(f"Peserta {n:03d}", "2020-07-21T01:00:00Z", f"2020-07-21T{2 + n % 3:02d}:{n % 60:02d}:00Z")
        for n in range(100)]


@pytest.fixture
def server():
    with StandInServer(zoom_data.load(StandInZoom())) as running:
        yield running


def _many(server):
    server.zoom.meetings.clear()
    server.zoom.max_page_size = 3
    server.zoom.add_instance(zoom_data.MEETING_ID, "many+pages==", "2020-07-21T00:58:00Z", MANY)


def test_many_pages_are_all_followed(server):
    _many(server)
    pulled = report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert [p["name"] for p in pulled.instances[0].participants] == [p["name"] for p in MANY]
    assert sum("participants" in path for _, path in server.zoom.calls) == 34


def test_token_expiring_in_the_middle_of_paging_is_renewed_and_paging_continues(server):
    _many(server)
    server.zoom.expire_after = 10  # instances + 9 pages, then every token answers 401
    client = client_for(server)
    pulled = report.pull(client, zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert len(pulled.instances[0].participants) == len(MANY)
    assert client.token_requests == 2


def test_a_short_token_lifetime_is_still_cached(server):
    server.zoom.expires_in = 30  # shorter than the renewal margin: not one token request per API call
    client = client_for(server)
    report.pull(client, zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert client.token_requests == 1


def test_retry_after_as_an_http_date(server):
    clock = Clock()
    wall = datetime(2020, 7, 21, 5, 30, tzinfo=timezone.utc)
    client = client_for(server, clock=clock)
    client.wall = wall.timestamp
    server.zoom.throttle(1, format_datetime(wall.replace(second=7), usegmt=True))
    assert len(client.instances(zoom_data.MEETING_ID)) == 3
    assert clock.waits == [7.0]
    server.zoom.throttle(1, format_datetime(wall.replace(minute=29), usegmt=True))  # already past: no wait
    client.instances(zoom_data.MEETING_ID)
    assert clock.waits[-1] == 0.0


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b"[1, 2]", b'{"participants": "none"}',
                                  b'{"participants": [1, 2]', b"\xff\xfe"])
def test_malformed_participant_pages_are_an_indonesian_error_not_an_empty_report(server, body):
    def broken(request, path):
        return Response(body, 200, mimetype="application/json") if "participants" in path else None

    server.zoom.intercept = broken
    with pytest.raises(errors.ZoomError) as failure:
        report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert failure.value.kind == errors.API and "tidak dapat dibaca" in str(failure.value)


@pytest.mark.parametrize("answer", [{"access_token": "x", "expires_in": "soon"}, {"access_token": 17},
                                    {"access_token": "x", "expires_in": -5}])
def test_odd_token_answers_do_not_crash(server, answer, monkeypatch):
    real = server.zoom._token

    def odd(request):
        issued = json.loads(real(request).get_data())
        server.zoom.tokens.add(str(answer["access_token"]) if "expires_in" in answer else "17")
        return Response(json.dumps({**issued, **answer}), 200, mimetype="application/json")

    monkeypatch.setattr(server.zoom, "_token", odd)
    client = client_for(server)
    try:
        assert len(client.instances(zoom_data.MEETING_ID)) == 3
    except errors.ZoomError as error:  # refusing an unusable token is fine, crashing is not
        assert "Zoom" in str(error)


def test_an_endless_next_page_token_is_bounded(server):
    page = {"next_page_token": "same", "participants": [participant("Ulang", "2020-07-21T01:00:00Z",
                                                                    "2020-07-21T02:00:00Z")]}

    def endless(request, path):
        return Response(json.dumps(page), 200, mimetype="application/json") if "participants" in path else None

    server.zoom.intercept = endless
    with pytest.raises(errors.ZoomError) as failure:
        report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert failure.value.kind == errors.API
    assert sum("participants" in path for _, path in server.zoom.calls) <= 3


def test_a_huge_answer_is_refused_without_reading_it_all(server, monkeypatch):
    monkeypatch.setattr(zoom_client, "MAX_RESPONSE_BYTES", 64 * 1024)
    sent = []

    def huge(request, path):
        if "participants" not in path:
            return None

        def chunks():
            yield b'{"participants": ['
            for n in range(100_000):  # ~10 MB if read to the end
                sent.append(n)
                yield json.dumps(participant(f"P{n}", "2020-07-21T01:00:00Z", "2020-07-21T02:00:00Z")).encode()
                yield b","
            yield b"{}]}"
        return Response(chunks(), 200, mimetype="application/json")

    server.zoom.intercept = huge
    with pytest.raises(errors.ZoomError) as failure:
        report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert failure.value.kind == errors.API and "terlalu besar" in str(failure.value)
    assert len(sent) < 100_000


def test_an_instance_listed_twice_is_pulled_once(server):
    zoom = server.zoom
    zoom.meetings[zoom_data.MEETING_ID].append(dict(zoom.meetings[zoom_data.MEETING_ID][-1]))
    pulled = report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert [i.uuid for i in pulled.instances] == [zoom_data.SLASH_UUID, zoom_data.RESTART_UUID]


@pytest.mark.parametrize("tz, start, end", [("Asia/Makassar", "2020-07-21T22:00", "2020-07-22T01:30"),
                                            ("Asia/Jayapura", "2020-07-21T23:00", "2020-07-22T02:30")])
def test_a_session_across_midnight_in_wita_and_wit(server, tz, start, end):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    begin = datetime.fromisoformat(start).replace(tzinfo=zone).astimezone(timezone.utc)
    finish = datetime.fromisoformat(end).replace(tzinfo=zone).astimezone(timezone.utc)

    def at(moment, minutes):
        from datetime import timedelta

        return (moment + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    zoom = server.zoom
    zoom.meetings.clear()
    zoom.add_instance("555", "yesterday==", at(begin, -24 * 60 - 5), [participant("Kemarin", at(begin, -1440),
                                                                                  at(begin, -1400))])
    zoom.add_instance("555", "tonight==", at(begin, -5), [participant("Malam", at(begin, -3), at(finish, 10))])
    zoom.add_instance("555", "after-midnight==", at(begin, 70), [participant("Malam", at(begin, 75),
                                                                             at(finish, -10))])
    pulled = report.pull(client_for(server), "555", begin, finish)
    assert [i.uuid for i in pulled.instances] == ["tonight==", "after-midnight=="]
    assert report.filename("555", begin, zone).endswith(start.replace("-", "-").replace("T", "-").replace(":", "")
                                                        + ".json")


def test_an_unreachable_url_with_user_info_is_named_by_its_host_only():
    from bimtek.zoom.client import Credentials, ZoomClient

    closed = ZoomClient(Credentials("a", "b", "c"), "http://127.0.0.1:9/v2",
                        "http://user:hunter2-secret@127.0.0.1:9/oauth/token")
    with pytest.raises(errors.ZoomError) as failure:
        closed.check()
    assert "127.0.0.1:9" in str(failure.value) and "hunter2" not in str(failure.value)


def test_no_instance_in_the_window_is_told_in_the_sessions_local_time(server):
    from zoneinfo import ZoneInfo

    with pytest.raises(errors.ZoomError) as failure:
        report.pull(client_for(server), zoom_data.MEETING_ID, datetime(2020, 7, 25, 1, tzinfo=timezone.utc),
                    datetime(2020, 7, 25, 5, tzinfo=timezone.utc), ZoneInfo("Asia/Makassar"))
    assert "25-07-2020 09.00–13.00 WITA" in str(failure.value)
