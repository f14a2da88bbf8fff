"""Zoom failures as Indonesian messages (pure): what went wrong and what the organizer can do about it.

A message never contains the client secret or a token; it names the account id or meeting id at most.
"""
from __future__ import annotations

import re

from bimtek.core.errors import DomainError

CREDENTIALS = "credentials"
UNREACHABLE = "unreachable"
NOT_READY = "not_ready"
SCOPE = "scope"
PLAN = "plan"
RATE_LIMIT = "rate_limit"
API = "api"

# Zoom error codes (developers.zoom.us "Error definitions"): 4711 = token lacks scopes, 200 = paid account only.
CODE_MISSING_SCOPE = 4711
CODE_PAID_ONLY = 200
_SCOPES = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.I)


class ZoomError(DomainError):
    """A Zoom API failure; `kind` says which (credentials, unreachable, not_ready, scope, plan, rate_limit, api)."""

    def __init__(self, kind, message):
        super().__init__(message, kind=kind)
        self.kind = kind

    @property
    def retry_later(self):
        """Worth another try later (report not final yet, Zoom busy or away) rather than an organizer's fix."""
        return self.kind in (NOT_READY, RATE_LIMIT, UNREACHABLE)


def bad_credentials(account_id):
    return ZoomError(CREDENTIALS, f"Zoom menolak kredensial (Account ID {account_id or '-'}): periksa Account ID, "
                                  "Client ID dan Client Secret aplikasi Server-to-Server OAuth, dan pastikan "
                                  "aplikasinya sudah diaktifkan (Activate).")


def unreachable(url, detail):
    host = re.sub(r"^\w+://", "", url).split("/", 1)[0].rsplit("@", 1)[-1]  # never user:password@
    return ZoomError(UNREACHABLE, f"API Zoom tidak dapat dihubungi ({host}: {detail}). Periksa koneksi internet "
                                  "server lalu coba lagi.")


def not_ready(meeting):
    return ZoomError(NOT_READY, f"Laporan peserta rapat Zoom {meeting} belum tersedia (Zoom menyusun laporan "
                                "beberapa menit sampai beberapa jam setelah rapat selesai, atau ID rapat tidak "
                                "ada di akun ini). Penarikan akan dicoba lagi nanti.")


def no_instance(meeting, window):
    return ZoomError(NOT_READY, f"Zoom belum mencatat pertemuan rapat {meeting} pada {window} (rapat belum "
                                "selesai, laporannya belum siap, atau ID rapat keliru). Penarikan akan dicoba "
                                "lagi nanti.")


def unreadable(what):
    return ZoomError(API, f"Jawaban API Zoom ({what}) tidak dapat dibaca (bukan JSON yang diharapkan). Coba lagi "
                          "nanti atau unggah laporan peserta secara manual.")


def too_large(limit):
    return ZoomError(API, f"Jawaban API Zoom terlalu besar (lebih dari {limit // 2**20} MB) dan tidak dibaca. "
                          "Unggah laporan peserta secara manual.")


def rate_limited():
    return ZoomError(RATE_LIMIT, "Zoom membatasi jumlah permintaan (429) dan batas itu belum pulih setelah "
                                 "beberapa kali menunggu. Penarikan akan dicoba lagi nanti.")


def from_response(status, body, meeting=""):
    """The ZoomError for a failed API response (status, decoded JSON body or {})."""
    code = body.get("code") if isinstance(body, dict) else None
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    if code == CODE_MISSING_SCOPE or "scope" in message.lower():
        found = _SCOPES.search(message)
        scopes = found.group(1).strip() if found else "report:read:admin dan meeting:read:admin"
        return ZoomError(SCOPE, f"Aplikasi Zoom belum diberi izin (scope) {scopes}. Tambahkan scope itu pada "
                                "aplikasi Server-to-Server OAuth di Zoom App Marketplace (Scopes → Add Scopes), "
                                "aktifkan ulang, lalu coba lagi.")
    if code == CODE_PAID_ONLY or "paid account" in message.lower() or "pro plan" in message.lower():
        return ZoomError(PLAN, "Laporan peserta lewat API Zoom hanya tersedia untuk akun Zoom berbayar (Pro atau "
                               "lebih tinggi); akun ini akun gratis (Basic). Unduh laporan peserta secara manual "
                               "atau gunakan akun berbayar.")
    if status == 404:
        return not_ready(meeting)
    return ZoomError(API, f"API Zoom menjawab {status}" + (f" (kode {code})" if code else "") + " untuk rapat "
                          f"{meeting or '-'}. Coba lagi nanti atau unggah laporan peserta secara manual.")
