from datetime import date, datetime, time, timedelta, timezone

from icalendar import Calendar

from bimtek.trainings import ical, schedule

TZ = "Asia/Jakarta"


def build(sessions=None):
    times = schedule.generate_sessions(date(2020, 7, 21), date(2020, 7, 23),
                                       [schedule.Slot(time(8), time(12)), schedule.Slot(time(13), time(16))], TZ)
    training = ical.IcalTraining(name="Bimtek SPP & TIK", tz_name=TZ, url="https://bimtek.example/pelatihan/1",
                                 meeting_url="https://zoom.us/j/930", organizer_unit="DKPUS Babel",
                                 materi=(("Pelibatan Masyarakat", "Master Trainer", 3), ("Advokasi", "", 2)))
    items = [ical.IcalSession(uid=f"bimtek-session-{i}@bimtek.example", start=t.start, end=t.end,
                              summary=f"Bimtek SPP & TIK — Sesi {i}") for i, t in enumerate(times, start=1)]
    return ical.build_calendar(training, items if sessions is None else items[:sessions],
                               now=datetime(2020, 7, 1, tzinfo=timezone.utc))


def test_feed_parses_back_with_one_event_per_session():
    cal = Calendar.from_ical(build())
    events = cal.walk("VEVENT")
    assert len(events) == 6
    assert len({str(e["UID"]) for e in events}) == 6
    first = events[0]
    start = first.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=7)
    assert (start.hour, start.minute) == (8, 0)
    assert start.astimezone(timezone.utc) == datetime(2020, 7, 21, 1, 0, tzinfo=timezone.utc)
    assert first["DTSTART"].params["TZID"] == TZ
    assert str(first["SUMMARY"]) == "Bimtek SPP & TIK — Sesi 1"
    description = str(first["DESCRIPTION"])
    assert "https://zoom.us/j/930" in description and "Pelibatan Masyarakat" in description and "(3 JP)" in description
    assert str(first["URL"]) == "https://bimtek.example/pelatihan/1"


def test_feed_carries_a_vtimezone_and_required_properties():
    cal = Calendar.from_ical(build())
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == [TZ]
    for event in cal.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            assert prop in event


def test_uids_are_stable_between_builds():
    uids = lambda data: [str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT")]  # noqa: E731
    assert uids(build()) == uids(build())


def test_single_session_calendar():
    events = Calendar.from_ical(build(sessions=1)).walk("VEVENT")
    assert len(events) == 1


def test_cached_timezones_give_the_same_calendar_as_icalendar():
    from icalendar import Calendar

    from bimtek.trainings import ical as module

    stamp = datetime(2020, 7, 1, tzinfo=timezone.utc)
    for zone in ("Asia/Jakarta", "Asia/Makassar", "Europe/Berlin"):
        training = module.IcalTraining(name="Bimtek", tz_name=zone, url="https://x.test/t/1")
        sessions = [module.IcalSession(uid="s1@x", start=datetime(2020, 7, 21, 1, tzinfo=timezone.utc),
                                       end=datetime(2020, 7, 21, 5, tzinfo=timezone.utc), summary="Sesi 1")]
        cached = module.build_calendar(training, sessions, now=stamp)
        cal = Calendar.from_ical(cached)
        reference = Calendar()
        for key in ("prodid", "version", "calscale", "method", "x-wr-calname", "x-wr-timezone"):
            reference.add(key, cal.get(key))
        for session in sessions:
            reference.add_component(module._event(training, session, stamp))
        reference.add_missing_timezones()
        assert cached == reference.to_ical()
        assert module.build_calendar(training, sessions, now=stamp) == cached


def test_recent_calendar_is_shared_for_a_minute_and_rebuilt_after_or_on_any_change():
    ical._RECENT.clear()
    now = [1000.0]
    training = ical.IcalTraining(name="Bimtek Cache", tz_name="Asia/Jakarta", url="https://x/p/1")
    start = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    sessions = [ical.IcalSession(uid="s-1@x", start=start, end=start.replace(hour=3), summary="Sesi 1")]
    first = ical.recent_calendar(training, sessions, clock=lambda: now[0])
    now[0] += ical.RECENT_SECONDS - 1
    assert ical.recent_calendar(training, list(sessions), clock=lambda: now[0]) is first
    moved = [ical.IcalSession(uid="s-1@x", start=start, end=start.replace(hour=4), summary="Sesi 1", sequence=1)]
    assert b"SEQUENCE:1" in ical.recent_calendar(training, moved, clock=lambda: now[0])
    now[0] += 2
    assert ical.recent_calendar(training, sessions, clock=lambda: now[0]) is not first
