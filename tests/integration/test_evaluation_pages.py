"""Evaluation over HTTP: the participant's test and questionnaire (autosave and plain form), organizer pages,
access rules, bank upload, and anonymity towards reviewers and speakers."""
import io
from datetime import timedelta

from bimtek.core.models import now_utc
from bimtek.evaluation import services
from bimtek.evaluation.models import TestAttempt
from bimtek.evaluation.services import surveys
from bimtek.extensions import db
from bimtek.trainings.models import Materi
from tests.factories import make_registration, make_staff, make_training, make_user
from tests.integration.evaluation_helpers import BANK, with_bank


def ongoing_training(**kwargs):
    """A training whose last session has started (post-test and questionnaire open)."""
    return make_training(start=(now_utc() - timedelta(days=3)).date(), **kwargs)


def test_participant_takes_post_test_with_autosave_and_plain_form(client, login_as):
    training = with_bank(ongoing_training())
    reg = make_registration(training)
    login_as(reg.user)
    url = f"/peserta/evaluasi/{reg.id}/tes/post"
    assert "Mulai Post-test" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"action": "start"}).status_code == 302
    pre = client.get(f"/peserta/evaluasi/{reg.id}/tes/pre").get_data(as_text=True)
    assert "sudah ditutup" in pre and "Pembahasan" not in pre
    page = client.get(url).get_data(as_text=True)
    questions = services.questions_of(training)
    assert all(q.text in page for q in questions)
    first = questions[0]
    answer = client.post(url + "/jawaban", json={"question": first.id, "choice": first.correct_index})
    assert answer.status_code == 200 and answer.json["saved"]
    assert client.post(url + "/jawaban", json={"question": first.id, "choice": 9}).status_code == 409
    form = {f"q{q.id}": str(q.correct_index) for q in questions[1:3]}
    response = client.post(url, data={**form, "action": "submit"}, follow_redirects=True)
    assert "Nilai Anda: 60" in response.get_data(as_text=True)
    assert "Pembahasan 1" in response.get_data(as_text=True)  # explanations once the post-test is over
    assert client.post(url + "/jawaban", json={"question": first.id, "choice": 0}).status_code == 409
    assert "sudah Anda kerjakan" in client.post(url, data={"action": "submit"}, follow_redirects=True).get_data(True)


def test_portal_shows_tests_and_gate(client, login_as):
    training = with_bank(ongoing_training())
    services.save_settings(None, training, 5, None, None, True, True)
    db.session.commit()
    reg = make_registration(training)
    login_as(reg.user)
    page = client.get("/peserta").get_data(as_text=True)
    assert "Kerjakan Post-test" in page and "Isi evaluasi" in page
    assert "Post-test belum dikerjakan" in page and "Evaluasi penyelenggaraan belum diisi" in page
    assert "Pre-test</strong>" in page and "sudah ditutup" in page


def test_participant_fills_questionnaire(client, login_as):
    training = ongoing_training(materi_jp=(3,))
    reg = make_registration(training)
    login_as(reg.user)
    url = f"/peserta/evaluasi/{reg.id}/kuesioner"
    assert "Pemateri 1" in client.get(url).get_data(as_text=True)
    questions = surveys.questions_of(training)
    likert_items = [q for q in questions if q.kind == "likert"]
    assert client.post(url + "/draf", json={str(likert_items[0].id): 3}).json["saved"]
    partial = client.post(url, data={"action": "submit", f"s{likert_items[1].id}": "4"})
    assert partial.status_code == 400 and "belum dinilai" in partial.get_data(as_text=True)
    assert surveys.response_of(reg).draft == {str(likert_items[0].id): 3, str(likert_items[1].id): 4}
    form = {f"s{q.id}": "4" for q in likert_items[1:]}
    response = client.post(url, data={**form, "action": "submit"}, follow_redirects=True)
    assert "evaluasi Anda terkirim" in response.get_data(as_text=True)
    assert surveys.response_of(reg).submitted_at is not None


def test_participants_reach_only_their_own(client, login_as):
    training = with_bank(ongoing_training())
    mine, other = make_registration(training), make_registration(training)
    login_as(mine.user)
    assert client.get(f"/peserta/evaluasi/{other.id}/tes/post").status_code == 403
    assert client.post(f"/peserta/evaluasi/{other.id}/kuesioner/draf", json={}).status_code == 403
    assert client.get(f"/kelola/pelatihan/{training.id}/evaluasi").status_code == 403


def test_reviewer_and_speaker_never_see_who_answered_what(client, login_as):
    training = ongoing_training(materi_jp=(3,))
    db.session.get(Materi, training.materi[0].id).trainer = "Narasumber Satu"
    db.session.commit()
    people = [make_registration(training, name=f"Responden {n}") for n in range(3)]
    for reg, text in zip(people, ("Saran rahasia A", "Saran rahasia B", "Saran rahasia C")):
        answers = {str(q.id): (2 if q.kind == "likert" else text) for q in surveys.questions_of(training)}
        surveys.submit(reg, answers, now_utc())
    pending = make_registration(training, name="Belum Mengisi")
    db.session.commit()
    for duty in ("reviewer", "penandatangan"):
        login_as(make_staff(training, duty))
        page = client.get(f"/kelola/pelatihan/{training.id}/evaluasi/kuesioner").get_data(as_text=True)
        assert "Saran rahasia A" in page  # the texts are shown …
        assert not any(reg.nama_lengkap in page or reg.email in page for reg in people)  # … never by whom
        assert pending.nama_lengkap not in page  # not even who is missing (roster duty only)
        sheet = client.get(f"/kelola/pelatihan/{training.id}/evaluasi/kuesioner.xlsx").data
        assert b"Responden" not in sheet
    admin = make_user("admin")
    login_as(admin)
    page = client.get(f"/kelola/pelatihan/{training.id}/evaluasi/kuesioner").get_data(as_text=True)
    assert pending.nama_lengkap in page and not any(reg.nama_lengkap in page for reg in people)


def test_recap_is_hidden_below_three_respondents(client, login_as):
    training = ongoing_training(materi_jp=(3,))
    reg = make_registration(training)
    surveys.submit(reg, {str(q.id): (1 if q.kind == "likert" else "Satu-satunya") for q in
                         surveys.questions_of(training)}, now_utc())
    db.session.commit()
    login_as(make_staff(training, "reviewer"))
    page = client.get(f"/kelola/pelatihan/{training.id}/evaluasi/kuesioner").get_data(as_text=True)
    assert "Satu-satunya" not in page and "sedikitnya 3 peserta" in page


def test_admin_uploads_bank_and_sees_scores(client, login_as):
    from bimtek.evaluation import question_bank

    training = ongoing_training()
    login_as(make_user("admin"))
    base = f"/kelola/pelatihan/{training.id}/evaluasi"
    data = {"file": (io.BytesIO(question_bank.write_bank(BANK)), "bank.xlsx")}
    response = client.post(base + "/bank-soal", data=data, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "5 soal diimpor" in response.get_data(as_text=True)
    bad = {"file": (io.BytesIO(b"PK\x03\x04 broken"), "bank.xlsx")}
    assert "rusak" in client.post(base + "/bank-soal", data=bad, content_type="multipart/form-data",
                                  follow_redirects=True).get_data(as_text=True)
    assert len(services.questions_of(training)) == 5
    reg = make_registration(training)
    attempt = services.start_attempt(reg, "post")
    db.session.commit()
    services.submit_attempt(None, attempt)
    db.session.commit()
    page = client.get(base).get_data(as_text=True)
    assert reg.nama_lengkap in page and "Analisis butir soal" in page and "<svg" in page
    assert client.get(base + "/nilai.xlsx").data.startswith(b"PK")
    assert client.post(f"{base}/ulang/{reg.id}/post").status_code == 302
    assert services.allowed_attempts(reg, "post") == 2
    assert db.session.query(TestAttempt).count() == 1
