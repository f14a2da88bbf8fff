"""Zoom API client against the local stand-in on a real socket: OAuth, expiry, paging, 429, 401, encoding."""
import pytest

from bimtek.zoom import errors, report
from bimtek.zoom.client import Credentials, ZoomClient, encode_uuid
from tests import zoom_data
from tests.zoom_standin import StandInServer, StandInZoom


class Clock:
    def __init__(self):
        self.now, self.waits = 1000.0, []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def server():
    with StandInServer(zoom_data.load(StandInZoom())) as running:
        yield running


def client_for(server, secret=None, clock=None):
    zoom = server.zoom
    clock = clock or Clock()
    credentials = Credentials(zoom.account_id, zoom.client_id, secret or zoom.client_secret)
    return ZoomClient(credentials, server.api_url, server.oauth_url, clock=clock, sleep=clock.sleep)


def test_uuid_encoding_rule():
    assert encode_uuid("abc+de==") == "abc%2Bde%3D%3D"
    assert encode_uuid("/abc") == "%252Fabc"
    assert encode_uuid("ab//c") == "ab%252F%252Fc"


def test_pull_follows_instances_and_pages_inside_the_window(server):
    client = client_for(server)
    pulled = report.pull(client, zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert [i.uuid for i in pulled.instances] == [zoom_data.SLASH_UUID, zoom_data.RESTART_UUID]
    assert [i.uuid for i in pulled.skipped] == [zoom_data.OLD_UUID]
    assert [p["name"] for p in pulled.instances[0].participants] == [p["name"] for p in zoom_data.FIRST]
    assert pulled.participant_count == len(zoom_data.FIRST) + len(zoom_data.SECOND)
    raw = [path for method, path in server.zoom.calls if "participants" in path]
    assert len(raw) == 3 + 1  # 5 rows in pages of 2, then 2 rows in one page
    assert any("%252FaBc%252F%252FdEf" in path for path in raw)  # double-encoded, not sent for the old one
    assert not any("0ld" in path for path in raw)
    assert client.token_requests == 1


def test_same_report_gives_the_same_bytes(server):
    first = report.document(report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END))
    again = report.document(report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END))
    assert first == again


def test_token_is_cached_until_shortly_before_expiry(server):
    clock = Clock()
    client = client_for(server, clock=clock)
    client.instances(zoom_data.MEETING_ID)
    clock.now += 3600 - 120
    client.instances(zoom_data.MEETING_ID)
    assert client.token_requests == 1
    clock.now += 90  # 30 s before expiry: renewed first
    client.instances(zoom_data.MEETING_ID)
    assert client.token_requests == 2


def test_expired_token_401_fetches_a_new_one_once(server):
    client = client_for(server)
    client.instances(zoom_data.MEETING_ID)
    server.zoom.expire_tokens()
    assert client.instances(zoom_data.MEETING_ID)
    assert client.token_requests == 2


def test_429_waits_for_retry_after_and_continues(server):
    clock = Clock()
    client = client_for(server, clock=clock)
    server.zoom.throttle(2, "3")
    assert len(client.instances(zoom_data.MEETING_ID)) == 3
    assert clock.waits == [3.0, 3.0]
    server.zoom.throttle(1, "soon")  # not a number: back off instead
    client.instances(zoom_data.MEETING_ID)
    assert clock.waits[-1] == 1.0


def test_endless_429_gives_up_with_a_message(server):
    server.zoom.throttle(20, "1")
    with pytest.raises(errors.ZoomError) as failure:
        client_for(server).instances(zoom_data.MEETING_ID)
    assert failure.value.kind == errors.RATE_LIMIT and failure.value.retry_later


def test_bad_credentials_say_so_without_the_secret(server):
    with pytest.raises(errors.ZoomError) as failure:
        client_for(server, secret="wrong-secret-value").check()
    assert failure.value.kind == errors.CREDENTIALS
    assert "kredensial" in str(failure.value) and "wrong-secret-value" not in str(failure.value)


def test_report_not_ready_is_retried_later(server):
    server.zoom.not_ready.add(zoom_data.RESTART_UUID)
    with pytest.raises(errors.ZoomError) as failure:
        report.pull(client_for(server), zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)
    assert failure.value.kind == errors.NOT_READY and failure.value.retry_later
    assert "belum tersedia" in str(failure.value)


def test_missing_scope_and_free_plan_are_named(server):
    server.zoom.missing_scope = True
    with pytest.raises(errors.ZoomError) as failure:
        client_for(server).instances(zoom_data.MEETING_ID)
    assert failure.value.kind == errors.SCOPE
    assert "report:read:list_meeting_participants:admin" in str(failure.value)
    server.zoom.missing_scope, server.zoom.free_plan = False, True
    with pytest.raises(errors.ZoomError) as failure:
        client_for(server).instances(zoom_data.MEETING_ID)
    assert failure.value.kind == errors.PLAN and "berbayar" in str(failure.value)


def test_unknown_meeting_and_unreachable_api(server):
    with pytest.raises(errors.ZoomError) as failure:
        report.pull(client_for(server), "99999999999", zoom_data.START, zoom_data.END)
    assert failure.value.kind == errors.NOT_READY
    closed = ZoomClient(Credentials("a", "b", "c"), "http://127.0.0.1:9/v2", "http://127.0.0.1:9/oauth/token")
    with pytest.raises(errors.ZoomError) as failure:
        closed.check()
    assert failure.value.kind == errors.UNREACHABLE and "tidak dapat dihubungi" in str(failure.value)


def test_the_stand_in_refuses_a_slash_uuid_encoded_only_once(server, monkeypatch):
    from urllib.parse import quote

    monkeypatch.setattr("bimtek.zoom.client.encode_uuid", lambda uuid: quote(uuid, safe=""))
    with pytest.raises(errors.ZoomError) as failure:
        client_for(server).participant_pages(zoom_data.SLASH_UUID)
    assert failure.value.kind == errors.NOT_READY
