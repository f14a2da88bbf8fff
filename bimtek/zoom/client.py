"""Zoom API client for Server-to-Server OAuth apps (pure: requests, no Flask/SQLAlchemy).

- Token: POST {oauth_url}?grant_type=account_credentials&account_id=… with HTTP Basic client id/secret, cached
  until TOKEN_MARGIN seconds before `expires_in`; an API 401 fetches a new token once.
- 429: waits `Retry-After` seconds (or backs off 1, 2, 4 … s) and continues, at most MAX_RETRIES times.
- Meeting UUIDs that start with "/" or contain "//" are double URL-encoded (Zoom's rule).
Every failure is a `ZoomError` with an Indonesian message; the secret never appears in one.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

from bimtek.zoom import errors

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"
TOKEN_MARGIN = 60      # seconds before expiry at which a cached token is renewed
MAX_RETRIES = 5        # 429 answers in a row before giving up
MAX_WAIT = 60          # seconds: cap of one Retry-After wait
PAGE_SIZE = 300        # Zoom's maximum for report participants
MAX_PAGES = 1000       # bound on a runaway next_page_token loop
TIMEOUT = (10, 60)     # connect, read seconds


def encode_uuid(uuid):
    """A meeting UUID as a path segment: double-encoded when it starts with '/' or contains '//'."""
    once = quote(uuid, safe="")
    return quote(once, safe="") if uuid.startswith("/") or "//" in uuid else once


def clean_meeting_id(value):
    """'812 3456-7890' → '81234567890'; a UUID-like value is kept as typed."""
    text = str(value or "").strip()
    digits = text.replace(" ", "").replace("-", "")
    return digits if digits.isdigit() else text


@dataclass
class Credentials:
    account_id: str
    client_id: str
    client_secret: str = field(repr=False)


class ZoomClient:
    """One Zoom account; `clock` and `sleep` are injectable so tests see every wait without waiting."""

    def __init__(self, credentials, api_url=DEFAULT_API_URL, oauth_url=DEFAULT_OAUTH_URL, *, http=None,
                 clock=time.monotonic, sleep=time.sleep):
        self.credentials = credentials
        self.api_url, self.oauth_url = api_url.rstrip("/"), oauth_url
        self.http = http or requests.Session()
        self.clock, self.sleep = clock, sleep
        self._token, self._expires = None, 0.0
        self.token_requests = 0

    # --- token -----------------------------------------------------------------------------------------------

    def token(self):
        """A valid access token, fetched when none is cached or it expires within TOKEN_MARGIN seconds."""
        if self._token and self.clock() < self._expires - TOKEN_MARGIN:
            return self._token
        creds = self.credentials
        params = {"grant_type": "account_credentials", "account_id": creds.account_id}
        response = self._send("POST", self.oauth_url, params=params, auth=(creds.client_id, creds.client_secret))
        self.token_requests += 1
        body = _json(response)
        if response.status_code != 200 or not body.get("access_token"):
            raise errors.bad_credentials(creds.account_id)
        self._token = body["access_token"]
        self._expires = self.clock() + float(body.get("expires_in") or 3600)
        return self._token

    def check(self):
        """Credentials work (a token is issued); raises ZoomError otherwise ("Uji koneksi")."""
        self._token = None
        self.token()

    # --- requests --------------------------------------------------------------------------------------------

    def get(self, path, params=None, meeting=""):
        """GET {api_url}{path} as JSON: one token renewal on 401, waits on 429, ZoomError on other failures."""
        renewed, retries = False, 0
        while True:
            response = self._send("GET", self.api_url + path, params=params,
                                  headers={"Authorization": f"Bearer {self.token()}"})
            if response.status_code == 200:
                return _json(response)
            if response.status_code == 401 and not renewed:
                self._token, renewed = None, True
                continue
            if response.status_code == 429 and retries < MAX_RETRIES:
                self.sleep(_wait_seconds(response, retries))
                retries += 1
                continue
            if response.status_code == 429:
                raise errors.rate_limited()
            if response.status_code == 401:
                raise errors.bad_credentials(self.credentials.account_id)
            raise errors.from_response(response.status_code, _json(response), meeting)

    def _send(self, method, url, **kwargs):
        try:
            return self.http.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise errors.unreachable(url, type(exc).__name__) from None

    # --- endpoints -------------------------------------------------------------------------------------------

    def instances(self, meeting_id):
        """Past instances of a meeting: [{"uuid", "start_time"}] (several when the host restarted it)."""
        meeting_id = clean_meeting_id(meeting_id)
        body = self.get(f"/past_meetings/{quote(meeting_id, safe='')}/instances", meeting=meeting_id)
        return [m for m in body.get("meetings") or [] if isinstance(m, dict) and m.get("uuid")]

    def participant_pages(self, uuid, meeting=""):
        """Every page of GET /report/meetings/{uuid}/participants, following next_page_token."""
        pages, token = [], ""
        for _ in range(MAX_PAGES):
            params = {"page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            page = self.get(f"/report/meetings/{encode_uuid(uuid)}/participants", params, meeting or uuid)
            pages.append(page)
            token = page.get("next_page_token") or ""
            if not token:
                break
        return pages


def _wait_seconds(response, retries):
    """Retry-After (seconds) when Zoom sends it, else exponential back-off; capped at MAX_WAIT."""
    try:
        value = float(response.headers.get("Retry-After", ""))
    except ValueError:
        value = 2.0 ** retries
    return max(0.0, min(value, MAX_WAIT))


def _json(response):
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
