"""Zoom services: connection per training, meeting per session, pulling reports into the attendance files.

A pulled report is stored like an upload (raw bytes by SHA-256, listed in the session's files) and applied at
once: the SAME engine, review queue and rules count it. Pulling an unchanged report again is a no-op; a changed
one replaces the previous pulled file (and the live webhook file of that session, which it supersedes).
"""
from bimtek.zoom.services.connections import (  # noqa: F401  (re-exported)
    check_connection,
    check_meeting_id,
    client_for,
    connection_for,
    delete_connection,
    link_for,
    links_by_session,
    meeting_for,
    save_connection,
    save_meetings,
)
from bimtek.zoom.services.live import present_now, record_event  # noqa: F401  (re-exported)
from bimtek.zoom.services.pulls import due_sessions, pull_session, store_report  # noqa: F401  (re-exported)
