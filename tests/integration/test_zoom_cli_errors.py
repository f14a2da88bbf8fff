"""`flask --app bimtek zoom-fetch` on every failure mode: exit 2, nothing on stdout, one Indonesian line on stderr
(no usage text, no traceback, no secret); input errors are found before Zoom is asked."""
import json

import pytest
from werkzeug.wrappers import Response

from tests import zoom_data
from tests.integration.test_zoom_cli import WINDOW, _env, _run, server  # noqa: F401 (fixture)

FETCH = ["flask", "--app", "bimtek", "zoom-fetch"]


def _assert_one_indonesian_line(result, *words):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.strip(), result.stderr
    for english in ("Traceback", "Usage:", "Error:", "Try '"):
        assert english not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("args, word", [
    (["--start", "21-07-2020 08:00", "--end", "2020-07-21T12:00"], "--start"),
    (["--start", "2020-07-21T08:00", "--end", "jam 12"], "--end"),
    (["--start", "2020-07-21T12:00", "--end", "2020-07-21T08:00"], "sesudah"),
    (["--start", "2020-07-21T08:00", "--end", "2020-07-21T08:00"], "sesudah"),
    (["--start", "2020-07-21T08:00", "--end", "2020-07-21T12:00", "--tz", "Asia/Nowhere"], "zona waktu"),
    (["--start", "2020-07-21T08:00", "--end", "2020-07-21T12:00", "--tz", "../../etc/passwd"], "zona waktu"),
    (["--end", "2020-07-21T12:00"], "--start"),
    (["--start", "2020-07-21T08:00"], "--end"),
    ([*WINDOW, "--frobnicate"], "--frobnicate"),
    ([*WINDOW, "--roster"], "--roster"),
])
def test_bad_window_and_options(server, tmp_path, args, word):  # noqa: F811
    result = _run([*FETCH, zoom_data.MEETING_ID, *args, "--json"], _env(server, tmp_path))
    _assert_one_indonesian_line(result, word)
    assert server.zoom.calls == []


def test_missing_or_empty_meeting_id(server, tmp_path):  # noqa: F811
    _assert_one_indonesian_line(_run([*FETCH, *WINDOW, "--json"], _env(server, tmp_path)), "MEETING_ID")
    _assert_one_indonesian_line(_run([*FETCH, " ", *WINDOW, "--json"], _env(server, tmp_path)), "ID rapat")
    assert server.zoom.calls == []


@pytest.mark.parametrize("roster", ["missing.csv", "folder", "binary.csv"])
def test_unreadable_roster_is_refused_before_zoom_is_asked(server, tmp_path, roster):  # noqa: F811
    (tmp_path / "folder").mkdir()
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    result = _run([*FETCH, zoom_data.MEETING_ID, *WINDOW, "--roster", str(tmp_path / roster), "--json"],
                  _env(server, tmp_path))
    _assert_one_indonesian_line(result)
    if roster != "binary.csv":  # a file that exists is read by the attendance CLI after the pull
        assert server.zoom.calls == []


def test_missing_credentials(server, tmp_path):  # noqa: F811
    env = _env(server, tmp_path)
    del env["ZOOM_CLIENT_SECRET"]
    _assert_one_indonesian_line(_run([*FETCH, zoom_data.MEETING_ID, *WINDOW, "--json"], env), "ZOOM_CLIENT_SECRET")


@pytest.mark.parametrize("api_url", ["not a url", "ftp://127.0.0.1/v2", "http://[::1"])
def test_bad_api_url(server, tmp_path, api_url):  # noqa: F811
    result = _run([*FETCH, zoom_data.MEETING_ID, *WINDOW, "--json"], _env(server, tmp_path, api_url=api_url))
    _assert_one_indonesian_line(result)


@pytest.mark.parametrize("trouble", ["malformed", "scope", "plan", "not_ready", "unknown"])
def test_zoom_failures(server, tmp_path, trouble):  # noqa: F811
    zoom = server.zoom
    meeting = zoom_data.MEETING_ID
    if trouble == "malformed":
        zoom.intercept = lambda request, path: Response(b"<html>", 200) if "participants" in path else None
    elif trouble == "scope":
        zoom.missing_scope = True
    elif trouble == "plan":
        zoom.free_plan = True
    elif trouble == "not_ready":
        zoom.not_ready.add(zoom_data.RESTART_UUID)
    else:
        meeting = "99999999999"
    result = _run([*FETCH, meeting, *WINDOW, "--json"], _env(server, tmp_path))
    _assert_one_indonesian_line(result, "Zoom")
    assert zoom.client_secret not in result.stderr


def test_the_table_output_without_json_also_works(server, tmp_path):  # noqa: F811
    result = _run([*FETCH, zoom_data.MEETING_ID, *WINDOW], _env(server, tmp_path))
    assert result.returncode == 0 and "Jumlah orang" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)
