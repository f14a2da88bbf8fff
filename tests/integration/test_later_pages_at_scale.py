"""Organizer pages added by issues 16–19 at scale: the scores table pages on the server while the class summary,
the N-gain and the item analysis still count every participant."""
import re
from datetime import datetime, timezone

import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.evaluation.models import TestAttempt
from bimtek.extensions import db as _db
from bimtek.registration.models import Registration
from tests.factories import make_training, make_user
from tests.integration.evaluation_helpers import with_bank
from tests.integration.test_pages_at_scale import PEOPLE, _people

AT = datetime(2024, 7, 21, 8, tzinfo=timezone.utc)


def _scores(training, registrations, post_takers):
    """A submitted pre-test (40) for everyone and a post-test (80) for the first `post_takers`."""
    rows = [{"training_id": training.id, "registration_id": r.id, "kind": kind, "number": 1, "started_at": AT,
             "submitted_at": AT, "correct_count": right, "question_count": 5, "score": 20.0 * right}
            for index, r in enumerate(registrations)
            for kind, right in (("pre", 2), ("post", 4)) if kind == "pre" or index < post_takers]
    _db.session.execute(sa.insert(TestAttempt), rows)
    _db.session.commit()


def _score_numbers(html):
    table = html.split('id="eval-scores"', 1)[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", table)]


def test_scores_table_pages_while_the_summary_counts_everyone(client, db, login_as):
    training = with_bank(make_training(days=1))
    login_as(make_user(Role.ADMIN))
    registrations = _people(training)
    _scores(training, registrations, post_takers=60)
    url = f"/kelola/pelatihan/{training.id}/evaluasi"
    first, second = (client.get(url + query).get_data(as_text=True) for query in ("", "?hal=2"))
    assert _score_numbers(first) == list(range(1, 51))
    assert _score_numbers(second) == list(range(51, PEOPLE + 1))
    assert "Peserta Nomor 62<" in second and "Peserta Nomor 62<" not in first
    for html in (first, second):
        assert f"{PEOPLE} peserta" in html and "60 peserta" in html  # pre- and post-test counts over everyone
    assert "51–63 dari 63" in second
    assert _score_numbers(client.get(url + "?hal=junk").get_data(as_text=True)) == list(range(1, 51))


def _rows(html, table_id):
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r">(T\d+-\d{4})<", table)


def test_announcement_delivery_and_whatsapp_lists_page_and_count_everyone(client, db, login_as):
    from bimtek.announcements import services as announcements

    training = make_training(days=1)
    admin = make_user(Role.ADMIN)
    login_as(admin)
    registrations = _people(training)
    announcement = announcements.send_announcement(admin, training, "Info", "Yth. {nama} ({nomor}), tautan.",
                                                   announcements.registered_only())
    _db.session.commit()
    numbers = [r.number for r in registrations]
    base = f"/kelola/pelatihan/{training.id}/pengumuman/{announcement.id}"
    first, second = (client.get(base + q).get_data(as_text=True) for q in ("", "?hal=2"))
    assert _rows(first, "penerima") == numbers[:50] and _rows(second, "penerima") == numbers[50:]
    assert f": {PEOPLE}</span>" in first and f": {PEOPLE}</span>" in second  # the status badge counts everyone
    assert announcements.delivery_counts(announcement) == {"pending": PEOPLE}
    first, second = (client.get(base + "/whatsapp" + q).get_data(as_text=True) for q in ("", "?hal=2"))
    assert _rows(first, "daftar-whatsapp") == numbers[:50] and _rows(second, "daftar-whatsapp") == numbers[50:]
    assert "51–63 dari 63" in second and "alert-warning" not in first
    session = training.sessions[0]
    reminder = f"/kelola/pelatihan/{training.id}/pengumuman/pengingat/{session.id}/whatsapp"
    first, second = (client.get(reminder + q).get_data(as_text=True) for q in ("", "?hal=2"))
    assert _rows(first, "daftar-whatsapp") == numbers[:50] and _rows(second, "daftar-whatsapp") == numbers[50:]


def test_whatsapp_warning_counts_messages_beyond_the_page(client, db, login_as):
    from bimtek.announcements import services as announcements

    training = make_training(days=1)
    admin = make_user(Role.ADMIN)
    login_as(admin)
    _people(training)
    long_body = "{nama} " + "x" * 1960  # too long only with a name over 39 characters: one, on page 2
    _db.session.execute(sa.update(Registration).where(Registration.training_id == training.id,
                                                      Registration.seq == PEOPLE - 1)
                        .values(nama_lengkap="Nama Sangat Panjang Sekali " * 4))
    _db.session.commit()
    announcement = announcements.send_announcement(admin, training, "Info", long_body,
                                                   announcements.registered_only())
    _db.session.commit()
    page = client.get(f"/kelola/pelatihan/{training.id}/pengumuman/{announcement.id}/whatsapp")
    assert "alert-warning" in page.get_data(as_text=True)


def test_questionnaire_recap_pages_the_non_respondents_and_counts_them_all(client, db, login_as):
    training = make_training(days=1)
    login_as(make_user(Role.ADMIN))
    _people(training)
    url = f"/kelola/pelatihan/{training.id}/evaluasi/kuesioner"
    first, second = (client.get(url + q).get_data(as_text=True) for q in ("", "?hal=2"))

    def names(html):
        return re.findall(r"<li>(\w+ Nomor \d+) · ", html.split('id="belum-mengisi"', 1)[1])

    assert names(first) == [f"{'Santoso' if i % 7 == 0 else 'Peserta'} Nomor {i}" for i in range(1, 51)]
    assert len(names(second)) == PEOPLE - 50 and "51–63 dari 63" in second
    for html in (first, second):
        assert f'data-figure="pending">{PEOPLE}<' in html and f"Kirim pengingat ke {PEOPLE} peserta" in html
