"""Zoom API client for Server-to-Server OAuth apps (pure: requests, no Flask/SQLAlchemy).

- Token: POST {oauth_url}?grant_type=account_credentials&account_id=… with HTTP Basic client id/secret, cached
  until TOKEN_MARGIN seconds before `expires_in`; an API 401 fetches a new token once.
- 429: waits `Retry-After` (seconds or an HTTP date; else backs off 1, 2, 4 … s) and continues, at most
  MAX_RETRIES times in a row.
- Meeting UUIDs that start with "/" or contain "//" are double URL-encoded (Zoom's rule).
- Bounded: an answer is read up to MAX_RESPONSE_BYTES (streamed, refused beyond), a report up to MAX_PAGES pages,
  and a next_page_token seen before ends the paging with an error instead of looping.
Every failure is a `ZoomError` with an Indonesian message; the secret never appears in one.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
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
MAX_RESPONSE_BYTES = 32 * 2**20  # one answer; 300 participant rows are ~150 KB


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
                 clock=time.monotonic, sleep=time.sleep, wall=time.time):
        self.credentials = credentials
        self.api_url, self.oauth_url = api_url.rstrip("/"), oauth_url
        self.http = http or requests.Session()
        self.clock, self.sleep, self.wall = clock, sleep, wall  # wall: epoch seconds (Retry-After dates)
        self._token, self._renew_at = None, 0.0
        self.token_requests = 0

    # --- token -----------------------------------------------------------------------------------------------

    def token(self):
        """A valid access token, fetched when none is cached or it expires within TOKEN_MARGIN seconds."""
        if self._token and self.clock() < self._renew_at:
            return self._token
        creds = self.credentials
        params = {"grant_type": "account_credentials", "account_id": creds.account_id}
        response = self._send("POST", self.oauth_url, params=params, auth=(creds.client_id, creds.client_secret))
        self.token_requests += 1
        if response.status_code != 200:
            raise errors.bad_credentials(creds.account_id)
        body = _json(response)
        token = body.get("access_token")
        if not isinstance(token, str) or not token.strip():
            raise errors.unreadable("token OAuth")
        self._token = token.strip()
        self._renew_at = self.clock() + _renew_after(body.get("expires_in"))
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
                return _json(response, path)
            if response.status_code == 401 and not renewed:
                self._token, renewed = None, True
                continue
            if response.status_code == 429 and retries < MAX_RETRIES:
                self.sleep(_wait_seconds(response, retries, self.wall()))
                retries += 1
                continue
            if response.status_code == 429:
                raise errors.rate_limited()
            if response.status_code == 401:
                raise errors.bad_credentials(self.credentials.account_id)
            raise errors.from_response(response.status_code, _json(response, strict=False), meeting)

    def _send(self, method, url, **kwargs):
        """The response with its body read (at most MAX_RESPONSE_BYTES, else ZoomError) into `response.body`."""
        try:
            response = self.http.request(method, url, timeout=TIMEOUT, stream=True, **kwargs)
            try:
                response.body = _read_bounded(response)
            finally:
                response.close()
        except requests.RequestException as exc:
            raise errors.unreachable(url, type(exc).__name__) from None
        if response.body is None:
            raise errors.too_large(MAX_RESPONSE_BYTES)
        return response

    # --- endpoints -------------------------------------------------------------------------------------------

    def instances(self, meeting_id):
        """Past instances of a meeting: [{"uuid", "start_time"}] (several when the host restarted it)."""
        meeting_id = clean_meeting_id(meeting_id)
        body = self.get(f"/past_meetings/{quote(meeting_id, safe='')}/instances", meeting=meeting_id)
        listed = body.get("meetings") or []
        if not isinstance(listed, list):
            raise errors.unreadable("daftar pertemuan rapat")
        found, seen = [], set()
        for item in listed:  # Zoom may list an instance twice: pulled (and counted) once
            uuid = str(item.get("uuid") or "") if isinstance(item, dict) else ""
            if uuid and uuid not in seen:
                seen.add(uuid)
                found.append({**item, "uuid": uuid})
        return found

    def participant_pages(self, uuid, meeting=""):
        """Every page of GET /report/meetings/{uuid}/participants, following next_page_token."""
        pages, token, seen = [], "", set()
        for _ in range(MAX_PAGES):
            params = {"page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            page = self.get(f"/report/meetings/{encode_uuid(uuid)}/participants", params, meeting or uuid)
            rows = page.get("participants")
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise errors.unreadable("laporan peserta")
            pages.append(page)
            token = page.get("next_page_token") or ""
            if not token:
                return pages
            if not isinstance(token, str) or token in seen:
                raise errors.unreadable("laporan peserta (next_page_token berulang)")
            seen.add(token)
        raise errors.unreadable(f"laporan peserta (lebih dari {MAX_PAGES} halaman)")


def _read_bounded(response):
    """The body bytes, or None when it is longer than MAX_RESPONSE_BYTES (the rest is never read)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        return None
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _renew_after(expires_in):
    """Seconds a token is used: until TOKEN_MARGIN before `expires_in` (or the first half of a shorter life)."""
    try:
        lifetime = float(expires_in)
    except (TypeError, ValueError):
        lifetime = 3600.0
    if not 0 < lifetime < 10**9:  # negative, NaN, infinite: Zoom's documented hour
        lifetime = 3600.0
    return lifetime - TOKEN_MARGIN if lifetime > 2 * TOKEN_MARGIN else lifetime / 2


def _wait_seconds(response, retries, now):
    """Retry-After (seconds, or an HTTP date compared with `now` epoch seconds) when Zoom sends it, else
    exponential back-off; capped at MAX_WAIT."""
    text = response.headers.get("Retry-After", "").strip()
    try:
        value = float(text)
    except ValueError:
        try:
            value = parsedate_to_datetime(text).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            value = 2.0 ** retries
    if value != value:  # NaN
        value = 2.0 ** retries
    return max(0.0, min(value, MAX_WAIT))


def _json(response, what="", strict=True):
    """The JSON object of an answer; ZoomError when a successful answer is not one ({} for error answers)."""
    try:
        body = json.loads(response.body.decode("utf-8"))
    except (ValueError, UnicodeError):
        body = None
    if isinstance(body, dict):
        return body
    if strict:
        raise errors.unreadable(what or "jawaban")
    return {}
