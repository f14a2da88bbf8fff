"""The public verify page (GET /v/<code>, what a QR scan opens) served from this process's memory (WSGI, no Flask).

A scan costs one database statement: it writes the verification log row and reads the certificate's current
version (everything the page shows that can change: status, reason, file, electronic signature, name, number,
snapshot). When this process rendered the page for that code, query string and version before, the stored bytes
and headers of that render are sent again; otherwise the request goes on to Flask (marked as already logged),
whose render is kept for the next scan. A revocation, re-issue or signed replacement changes the version, so the
very next request in every process renders afresh: nothing is ever served for a version other than the current
one, and there is nothing to invalidate.

Only visitors without the app's cookies (session, remember-me) take this path: for them the page is the same
for everyone (no CSRF token, no session, no user chrome; the locale comes from `?lang=` or the default). A
response is kept only when Flask marked it as that page (status 200) and it sets no cookie.
"""
import threading
from collections import OrderedDict

from bimtek.certificates.verification import is_well_formed_code

PREFIX = "/v/"
LOGGED = "bimtek.verify.logged"   # environ: this request's verification log row is already written
PAGE = "bimtek.verify.page"       # environ: set by the view when the response is the shareable verify page


class RenderedPages:
    """Rendered pages, key -> (version, status, headers, body); at most `capacity`, the oldest render goes first."""

    def __init__(self, capacity=2048):
        self.capacity = capacity
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, version):
        """The entry stored for `key` when it was rendered from `version`, else None."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            return None
        return entry

    def put(self, key, version, status, headers, body):
        with self._lock:
            self._entries[key] = (version, status, headers, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)


def has_cookie(cookie_header, names):
    """True when the Cookie header carries one of `names` (a cheap scan; values are never looked at)."""
    if not cookie_header:
        return False
    for part in cookie_header.split(";"):
        name = part.split("=", 1)[0].strip()
        if name in names:
            return True
    return False


class VerifyFastPath:
    """WSGI middleware in front of the app for GET /v/<code>.

    `find_and_log(code, user_agent)` writes the log row and returns the certificate's version (None: no such
    certificate, nothing written); `version_of(code)` only reads it. Either may raise: the request then goes to
    Flask unmarked, which logs and renders it as usual (when the statement failed, nothing was written)."""

    def __init__(self, app, find_and_log, version_of, cookie_names, queries, capacity=2048):
        self.app = app
        self.find_and_log = find_and_log
        self.version_of = version_of
        self.cookie_names = frozenset(cookie_names)
        self.queries = frozenset(queries)  # query strings served from memory: "" and "lang=<each locale>"
        self.pages = RenderedPages(capacity)

    def __call__(self, environ, start_response):
        code = self._shareable_code(environ)
        if code is None:
            return self.app(environ, start_response)
        try:
            version = self.find_and_log(code, environ.get("HTTP_USER_AGENT", ""))
        except Exception:  # noqa: BLE001  # database trouble: Flask answers (and logs) as without this path
            return self.app(environ, start_response)
        if version is None:  # unknown code: Flask's 404 page (nothing was logged)
            return self.app(environ, start_response)
        key = (code, environ.get("QUERY_STRING", ""), environ.get("SCRIPT_NAME", ""))
        entry = self.pages.get(key, version)
        if entry is not None:
            start_response(entry[1], list(entry[2]))
            return [entry[3]]
        environ[LOGGED] = True
        return self._render_and_keep(environ, start_response, key, version)

    def _shareable_code(self, environ):
        """The code of a GET /v/<code> this path may answer, else None."""
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or not path.startswith(PREFIX):
            return None
        code = path[len(PREFIX):]
        if not is_well_formed_code(code) or environ.get("QUERY_STRING", "") not in self.queries:
            return None
        if has_cookie(environ.get("HTTP_COOKIE"), self.cookie_names):
            return None
        return code

    def _render_and_keep(self, environ, start_response, key, version):
        """Flask renders the page; the bytes are kept when they are the shareable page and the certificate
        still has the version that was logged (a change during the render is rendered again next time)."""
        captured = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if not captured:
            return [body]
        status, headers = captured
        if environ.get(PAGE) and status.startswith("200") and self._shareable(headers):
            try:
                unchanged = self.version_of(key[0]) == version
            except Exception:  # noqa: BLE001  # not kept; the next scan renders again
                unchanged = False
            if unchanged:
                self.pages.put(key, version, status, tuple(headers), body)
        return [body]

    @staticmethod
    def _shareable(headers):
        return not any(name.lower() == "set-cookie" for name, _value in headers)
