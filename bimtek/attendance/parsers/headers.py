"""Header alias tables (English + localized portals) and header-row lookup (pure)."""

from __future__ import annotations

import unicodedata

# normalised header text (see `header_key`) → canonical field
ALIASES = {
    # display name
    "name(originalname)": "name", "username(originalname)": "name", "name(ursprünglichername)": "name",
    "名前(元の名前)": "name", "이름(원래이름)": "name", "사용자이름(원래이름)": "name", "nome(nomeoriginale)": "name",
    "nama(namaasli)": "name", "nombre(nombreoriginal)": "name", "nom(nomd'origine)": "name",
    "nazwa(oryginalnanazwa)": "name", "username": "name", "fullname": "name", "name": "name",
    "imięinazwisko": "name", "vollständigername": "name", "namalengkap": "name", "participant": "name",
    "nama": "name", "名前": "name", "이름": "name",
    # e-mail
    "useremail": "email", "email": "email", "e-mail": "email", "ユーザーメール": "email", "사용자이메일": "email",
    "adrese-mail": "email", "emailpengguna": "email", "e-mail-adresse": "email", "이메일": "email",
    # join / leave
    "jointime": "join", "参加時刻": "join", "beitrittszeit": "join", "참가시간": "join", "waktubergabung": "join",
    "godzinadołączenia": "join", "timejoined": "join", "firstseen": "join", "orariodiaccesso": "join",
    "leavetime": "leave", "退出時刻": "leave", "austrittszeit": "leave", "나간시간": "leave",
    "waktukeluar": "leave", "godzinaopuszczenia": "leave", "timeexited": "leave", "lastseen": "leave",
    "orariodiuscita": "leave",
    # aggregated Teams section 2 (used only when no interval section exists)
    "firstjoin": "first_join", "pierwszedołączenie": "first_join", "lastleave": "last_leave",
    "ostatniewyjście": "last_leave",
    # durations
    "duration(minutes)": "duration", "所要時間(分)": "duration", "dauer(minuten)": "duration", "기간(분)": "duration",
    "durasi(menit)": "duration", "timeinsession(minutes)": "duration", "세션기간(분)": "duration",
    "totalduration(minutes)": "total_minutes", "duration": "duration_text", "timeincall": "duration_text",
    "czastrwania": "duration_text", "in-meetingduration": "duration_text",
    # flags / roles / misc
    "guest": "guest", "isguest": "guest", "gast": "guest", "ゲスト": "guest", "tamu": "guest",
    "inwaitingroom": "waiting_room", "imwarteraum": "waiting_room", "diruangtunggu": "waiting_room",
    "role": "role", "rola": "role", "rolle": "role", "peran": "role",
    "attended": "attended", "firstname": "first_name", "lastname": "last_name",
    "useraction": "action", "action": "action", "benutzeraktion": "action", "timestamp": "timestamp",
    "zeitstempel": "timestamp", "utceventtimestamp": "utc_timestamp", "participantid": "participant_id",
    "sessionid": "session_id",
}

YES = frozenset({"yes", "ya", "y", "ja", "true", "1", "tak", "sí", "si", "oui", "はい", "예"})


def header_key(cell: str) -> str:
    """Normalise a header cell: NFKC (full-width parens), lower-case, no whitespace/quotes/BOM."""
    text = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().strip('"').lower()
    return "".join(text.split())


def column_map(cells, start: int = 0) -> dict[str, int]:
    """Canonical field → first column index at/after `start` whose header is a known alias."""
    found: dict[str, int] = {}
    for index in range(start, len(cells)):
        field = ALIASES.get(header_key(cells[index]))
        if field and field not in found:
            found[field] = index
    return found


def find_row(rows, predicate, start: int = 0, limit: int = 60) -> int:
    """Index of the first row in rows[start:start+limit] whose column map satisfies predicate, else -1."""
    for index in range(start, min(len(rows), start + limit)):
        if predicate(column_map(rows[index])):
            return index
    return -1


def is_blank(row) -> bool:
    """True for empty rows and separator rows made only of delimiters/whitespace."""
    return not any(cell.strip() for cell in row)


def first_cell(row) -> str:
    """Normalised first cell of a row ("" for empty rows)."""
    return header_key(row[0]) if row else ""


def cell(row, index: int | None) -> str:
    """row[index] stripped, or "" when the column is absent or the row is short."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()
