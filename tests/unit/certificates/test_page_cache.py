"""certificates.page_cache on its own (a stand-in WSGI app, no Flask, no database)."""
from bimtek.certificates import page_cache

CODE = "abcdefghijkmnpqrstuv"


class StandIn:
    """A WSGI app that renders `body` and marks it shareable unless told otherwise; counts its calls."""

    def __init__(self, body=b"page", shareable=True, headers=()):
        self.body, self.shareable, self.headers, self.calls = body, shareable, list(headers), []

    def __call__(self, environ, start_response):
        self.calls.append(dict(environ))
        if self.shareable:
            environ[page_cache.PAGE] = True
        start_response("200 OK", [("Content-Type", "text/html"), *self.headers])
        return [self.body]


def _fast(app, versions, logged):
    def find_and_log(code, agent):
        logged.append((code, agent))
        return versions.get(code)
    return page_cache.VerifyFastPath(app, find_and_log, versions.get, {"session", "remember_token"},
                                     ["", "lang=id", "lang=en"], capacity=2)


def _get(fast, path=f"/v/{CODE}", query="", method="GET", **extra):
    seen = {}
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "HTTP_USER_AGENT": "uji",
               **extra}
    body = b"".join(fast(environ, lambda status, headers, exc_info=None: seen.update(status=status,
                                                                                     headers=headers)))
    return seen["status"], seen["headers"], body, environ


def test_a_page_is_rendered_once_per_version_and_every_scan_is_logged():
    app, versions, logged = StandIn(), {CODE: (1, "valid")}, []
    fast = _fast(app, versions, logged)
    first, second = _get(fast), _get(fast)
    assert first[:3] == second[:3] and len(app.calls) == 1 and app.calls[0][page_cache.LOGGED] is True
    versions[CODE] = (1, "revoked")
    _get(fast)
    assert len(app.calls) == 2 and len(logged) == 3


def test_visitors_with_the_apps_cookies_other_queries_and_methods_go_to_the_app_unlogged():
    app, logged = StandIn(), []
    fast = _fast(app, {CODE: (1,)}, logged)
    _get(fast, HTTP_COOKIE="_ga=1; session=abc")
    _get(fast, HTTP_COOKIE="remember_token=x")
    _get(fast, query="utm_source=qr")
    _get(fast, method="POST")
    _get(fast, path=f"/v/{CODE}.json")
    _get(fast, path=f"/v/{CODE}/periksa")
    assert len(app.calls) == 6 and logged == [] and not any(page_cache.LOGGED in e for e in app.calls)
    _get(fast, HTTP_COOKIE="_ga=1")  # someone else's cookie: still the shared page
    assert logged == [(CODE, "uji")]


def test_unknown_codes_and_database_trouble_go_to_the_app():
    app = StandIn()
    fast = _fast(app, {}, [])
    _get(fast)
    _get(fast)
    assert len(app.calls) == 2 and page_cache.LOGGED not in app.calls[1]

    def broken(code, agent):
        raise OSError("gone")
    fast.find_and_log = broken
    assert _get(fast)[2] == b"page" and len(app.calls) == 3


def test_pages_that_set_a_cookie_or_are_not_marked_are_never_kept():
    for app in (StandIn(headers=[("Set-Cookie", "session=x")]), StandIn(shareable=False)):
        fast = _fast(app, {CODE: (1,)}, [])
        _get(fast)
        _get(fast)
        assert len(app.calls) == 2 and len(fast.pages) == 0


def test_a_change_during_the_render_is_not_kept():
    versions = {CODE: (1,)}
    app = StandIn()
    fast = _fast(app, versions, [])
    fast.version_of = lambda code: (2,)  # changed while Flask rendered
    _get(fast)
    _get(fast)
    assert len(app.calls) == 2 and len(fast.pages) == 0


def test_the_cache_is_bounded_and_each_query_is_its_own_page():
    app = StandIn()
    fast = _fast(app, {CODE: (1,), "b" * 20: (1,), "c" * 20: (1,)}, [])
    for query in ("", "lang=en"):
        _get(fast, query=query)
    assert len(fast.pages) == 2
    _get(fast, path="/v/" + "b" * 20)
    _get(fast, path="/v/" + "c" * 20)
    assert len(fast.pages) == 2 and len(app.calls) == 4


def test_has_cookie_reads_names_only():
    assert page_cache.has_cookie("a=1; session=2", {"session"})
    assert not page_cache.has_cookie("a=session; b=1", {"session"})
    assert not page_cache.has_cookie("", {"session"}) and not page_cache.has_cookie(None, {"session"})
