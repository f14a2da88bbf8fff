"""Live webhook events → participant rows in the shape of the pulled report (pure).

Per instance and participant, joins and leaves are paired in time order; someone still in the meeting when it
ended leaves at its end. The result goes through the same parser, engine and rules as every other log.
"""
from __future__ import annotations

import json

from bimtek.zoom.webhook import ENDED, JOINED, LEFT

_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _pairs(events, ended_at):
    rows, open_joins = [], {}
    for event in sorted(events, key=lambda e: (e.at, e.event != LEFT)):
        if event.event == JOINED and event.participant_key not in open_joins:
            open_joins[event.participant_key] = event
        elif event.event == LEFT and event.participant_key in open_joins:
            rows.append((open_joins.pop(event.participant_key), event.at))
    if ended_at is not None:
        rows += [(join, max(ended_at, join.at)) for join in open_joins.values()]
    return sorted(rows, key=lambda r: (r[0].at, r[0].name))


def instance_rows(events):
    """{instance uuid: [participant records]} of closed intervals (open ones only once the instance ended)."""
    by_instance = {}
    for event in events:
        by_instance.setdefault(event.instance_uuid, []).append(event)
    result = {}
    for uuid, items in by_instance.items():
        ended = [e.at for e in items if e.event == ENDED]
        pairs = _pairs([e for e in items if e.event in (JOINED, LEFT)], max(ended) if ended else None)
        result[uuid] = [{"name": join.name, "user_email": join.email, "join_time": join.at.strftime(_ISO),
                         "leave_time": leave.strftime(_ISO), "duration": int((leave - join.at).total_seconds()),
                         "status": "in_meeting"} for join, leave in pairs]
    return result


def document(events):
    """Deterministic JSON bytes (one page per instance), or None when no interval is closed yet."""
    pages = [{"meeting_uuid": uuid, "source": "webhook", "participants": rows}
             for uuid, rows in sorted(instance_rows(events).items()) if rows]
    if not pages:
        return None
    return json.dumps(pages, ensure_ascii=False, sort_keys=True).encode("utf-8")


def present(events):
    """Who is in the meeting now: [(name, email, joined at)] with an open join in an instance that has not ended."""
    ended = {e.instance_uuid for e in events if e.event == ENDED}
    open_joins = {}
    for event in sorted(events, key=lambda e: (e.at, e.event != LEFT)):
        slot = (event.instance_uuid, event.participant_key)
        if event.event == JOINED:
            open_joins.setdefault(slot, event)
        elif event.event == LEFT:
            open_joins.pop(slot, None)
    return sorted(((e.name, e.email, e.at) for (uuid, _), e in open_joins.items() if uuid not in ended),
                  key=lambda item: item[0].lower())
