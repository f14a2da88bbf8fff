"""A local stand-in for Zoom's API on a real socket (werkzeug server in a thread), behaving as Zoom documents:

- POST /oauth/token?grant_type=account_credentials&account_id=… with HTTP Basic client id/secret → access token
  with `expires_in`; wrong credentials → 400 invalid_client. `expire_tokens()` makes every issued token answer 401.
- GET /v2/past_meetings/{id}/instances → {"meetings": [{"uuid", "start_time"}]}.
- GET /v2/report/meetings/{uuid}/participants?page_size&next_page_token → pages of at most `page_size`
  (capped at `max_page_size`) with a fresh random next_page_token per answer.
- A UUID that starts with '/' or contains '//' arrives broken when it was encoded only once (Zoom's gateway
  normalises those slashes: 404); double-encoded it arrives intact. Other UUIDs work encoded once.
- `throttle(n, retry_after)` answers the next n API calls 429 with Retry-After; `missing_scope`/`free_plan`
  answer 400 with Zoom's error codes; a meeting id or UUID it does not know → 404 code 3001.
"""
import base64
import copy
import json
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import unquote

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class StandInZoom:
    account_id: str = "acc-1"
    client_id: str = "client-1"
    client_secret: str = "s3cret-zoom-client-value"
    expires_in: int = 3600
    max_page_size: int = 300
    meetings: dict = field(default_factory=dict)   # meeting id → [{"uuid", "start_time", "participants"}]
    tokens: set = field(default_factory=set)
    pages: dict = field(default_factory=dict)      # next_page_token → (uuid, offset)
    calls: list = field(default_factory=list)      # (method, raw path)
    throttled: list = field(default_factory=list)  # Retry-After values still to answer with 429
    missing_scope: bool = False
    free_plan: bool = False
    not_ready: set = field(default_factory=set)    # UUIDs whose report answers 404 for now
    intercept: object = None                       # (request, path) → Response or None: a test's own misbehaviour
    expire_after: int | None = None                # every token stops working after this many API calls

    # --- set-up helpers --------------------------------------------------------------------------------------

    def add_instance(self, meeting_id, uuid, start_time, participants):
        self.meetings.setdefault(str(meeting_id), []).append(  # a copy: tests may change this server's rows
            {"uuid": uuid, "start_time": start_time, "participants": copy.deepcopy(list(participants))})

    def expire_tokens(self):
        self.tokens.clear()

    def throttle(self, count, retry_after="1"):
        self.throttled.extend([retry_after] * count)

    def token_calls(self):
        return [path for method, path in self.calls if method == "POST"]

    # --- WSGI ------------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path
        path = raw.split("?", 1)[0]  # routed on the raw path; segments are decoded in _api
        self.calls.append((request.method, raw))
        if request.method == "POST" and path == "/oauth/token":
            return self._token(request)(environ, start_response)
        return self._api(request, path)(environ, start_response)

    def _token(self, request):
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        good = (request.args.get("grant_type") == "account_credentials"
                and request.args.get("account_id") == self.account_id
                and request.headers.get("Authorization") == f"Basic {expected}")
        if not good:
            return _json({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}, 400)
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return _json({"access_token": token, "token_type": "bearer", "expires_in": self.expires_in,
                      "scope": "report:read:admin meeting:read:admin", "api_url": "https://api.zoom.us"})

    def _api(self, request, path):
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return _json({"code": 124, "message": "Invalid access token."}, 401)
        answer = self._misbehaviour(request, path)
        if answer is not None:
            return answer
        if self.throttled:
            return _json({"code": 429, "message": "You have reached the maximum per-second rate limit."}, 429,
                         {"Retry-After": self.throttled.pop(0)})
        if self.missing_scope:
            return _json({"code": 4711, "message": "Invalid access token, does not contain scopes:"
                                                   "[report:read:list_meeting_participants:admin]."}, 400)
        if self.free_plan:
            return _json({"code": 200, "message": "Only available for Paid account."}, 400)
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["v2", "past_meetings"] and parts[3] == "instances":
            return self._instances(unquote(parts[2]))
        if len(parts) == 5 and parts[:3] == ["v2", "report", "meetings"] and parts[4] == "participants":
            return self._participants(_uuid_segment(parts[3]), request.args)
        return _json({"code": 3001, "message": "Meeting does not exist."}, 404)

    def _misbehaviour(self, request, path):
        if self.expire_after is not None:
            self.expire_after -= 1
            if self.expire_after < 0:  # the token expires now (e.g. in the middle of paging)
                self.expire_after = None
                self.tokens.clear()
                return _json({"code": 124, "message": "Access token is expired."}, 401)
        return self.intercept(request, path) if self.intercept is not None else None

    def _instances(self, meeting_id):
        if meeting_id not in self.meetings:
            return _json({"code": 3001, "message": f"Meeting {meeting_id} is not found or has expired."}, 404)
        return _json({"meetings": [{"uuid": i["uuid"], "start_time": i["start_time"]}
                                   for i in self.meetings[meeting_id]]})

    def _participants(self, uuid, args):
        found = [i for items in self.meetings.values() for i in items if i["uuid"] == uuid]
        if not found or uuid in self.not_ready:
            return _json({"code": 3001, "message": "Meeting does not exist: " + uuid}, 404)
        size = min(int(args.get("page_size", 30)), self.max_page_size)
        offset = 0
        if args.get("next_page_token"):
            token_uuid, offset = self.pages.pop(args["next_page_token"], (None, 0))
            if token_uuid != uuid:
                return _json({"code": 300, "message": "The next page token is invalid or expired."}, 400)
        rows = found[0]["participants"]
        page = rows[offset:offset + size]
        token = ""
        if offset + size < len(rows):
            token = secrets.token_urlsafe(12)
            self.pages[token] = (uuid, offset + size)
        return _json({"page_count": -(-len(rows) // size), "page_size": size, "total_records": len(rows),
                      "next_page_token": token, "participants": page})


def _uuid_segment(raw):
    """Decode a UUID path segment as Zoom does: once; a second time when it was double-encoded. A UUID with a
    leading '/' or '//' that was encoded only once loses those slashes on the way (so it is not found)."""
    once = unquote(raw)
    if "%" in once:
        return unquote(once)
    return once.lstrip("/").replace("//", "/")


def _json(body, status=200, headers=None):
    return Response(json.dumps(body), status=status, headers=headers or {}, mimetype="application/json")


class StandInServer:
    """Serve a StandInZoom on 127.0.0.1:<free port> in a thread; `api_url` / `oauth_url` point at it."""

    def __init__(self, zoom=None):
        self.zoom = zoom or StandInZoom()
        self.server = make_server("127.0.0.1", 0, self.zoom, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def api_url(self):
        return self.base + "/v2"

    @property
    def oauth_url(self):
        return self.base + "/oauth/token"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def participant(name, join, leave, email="", status="in_meeting"):
    """One report row as Zoom sends it (times 'YYYY-MM-DDTHH:MM:SSZ', duration in seconds)."""
    from datetime import datetime
    from zlib import crc32

    seconds = int((datetime.fromisoformat(leave.replace("Z", "+00:00"))
                   - datetime.fromisoformat(join.replace("Z", "+00:00"))).total_seconds())
    return {"id": "", "user_id": str(crc32(f"{name}{join}".encode())), "name": name, "user_email": email,
            "join_time": join, "leave_time": leave, "duration": seconds, "status": status, "failover": False}
