"""No IDOR: participant A cannot reach participant B's registration, attendance, RTL, attachment or certificate
by changing an id in a URL.

The participant-facing routes are enumerated from the app's URL map (everything outside /kelola that takes an
object id), so a new route with an id is covered automatically — or fails loudly until the id is mapped below.
"""
import io
import json
import re
import zipfile

import pytest

from bimtek import create_app
from bimtek.action_plans import services as plans
from bimtek.core.storage import app_storage
from bimtek.extensions import db as _db
from bimtek.registration.models import Registration
from tests.factories import make_registration, make_training
from tests.integration.test_action_plans_workflow import valid_rows

ORGANIZER_PREFIX = "/kelola"
# Arguments that identify public things, not a participant's data (training pages, calendars, languages).
PUBLIC_ARGS = {"training_id", "session_id", "lang", "filename"}
# Public-by-design routes whose string argument is a secret capability, not an id (see their own tests).
CAPABILITY_ROUTES = {"/peserta/masuk/t/<token>", "/akun/sandi-baru/<token>", "/v/<code>", "/v/<code>.json",
                     "/v/<code>/periksa"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


PARTICIPANT_RULES = [r for r in _rules() if not r.rule.startswith(ORGANIZER_PREFIX)
                     and set(r.arguments) - PUBLIC_ARGS and r.rule not in CAPABILITY_ROUTES]


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>rahasia B</document>")
    return buffer.getvalue()


def issue_test_certificate(registration, pdf=b"%PDF-1.4 rahasia B"):
    """A stored certificate for the registration through the certificates services (the PDF bytes are a stand-in:
    these tests are about who may fetch it, not how it is rendered)."""
    from bimtek.certificates import services as certs

    training = registration.training
    certs.save_settings(None, training, {"number_template": "800/{nomor}/{unit}/{tahun}", "signer_jabatan": "Kepala",
                                         "signer_name": "Dr. Penandatangan", "place": "Pangkalpinang"})
    settings = certs.settings_for(training)
    seq = certs.reserve_numbers(training)
    code, snapshot = certs.plan_certificate(training, settings, certs.shared_snapshot(training, settings),
                                            registration, seq)
    cert = certs.store_certificate(None, registration, code, snapshot, pdf, app_storage())
    _db.session.commit()
    return cert


def _certificate_for(registration):
    from bimtek.certificates.models import Certificate

    return _db.session.scalars(_db.select(Certificate).where(Certificate.registration_id == registration.id)).first()


@pytest.fixture
def world(db):
    training, other_training = make_training(code="IDA"), make_training(code="IDB")
    a = make_registration(training, name="Ani Peserta", email="ani@example.id")
    b = make_registration(training, name="Bayu Korban", email="bayu@example.id")
    b_elsewhere = make_registration(other_training, name="Bayu Korban", email="bayu2@example.id")
    # B's plan stays an editable draft, so an unprotected POST by A would really change it.
    plans.attach_file(b.user, b, "rahasia.docx", _docx_bytes(), app_storage())
    plans.save_draft(b.user, b, valid_rows())
    db.session.commit()
    issue_test_certificate(b)
    issue_test_certificate(b_elsewhere)
    return {"a": a, "b": b, "b_elsewhere": b_elsewhere}


def _ids_for(rule, victim):
    """Concrete values for the rule's id arguments pointing at the victim's objects."""
    values = {"training_id": victim.training_id, "session_id": victim.training.sessions[0].id, "lang": "id"}
    for arg in set(rule.arguments) - PUBLIC_ARGS:
        if arg == "registration_id":
            values[arg] = victim.id
        elif arg in ("certificate_id", "cert_id"):
            certificate = _certificate_for(victim)
            values[arg] = certificate.id
        elif arg == "plan_id":
            values[arg] = plans.plan_for(victim).id
        elif arg == "kind":  # evaluation: pre-/post-test of the victim's registration
            values[arg] = "post"
        elif arg == "material_id":  # materials belong to a training: one for participants of IDB only
            values[arg] = _participants_only_material("IDB").id
        else:
            pytest.fail(f"{rule.rule}: map the id argument '{arg}' to the victim's object in test_idor._ids_for")
    return values


def _participants_only_material(code):
    from bimtek.materials import services as materials
    from bimtek.trainings.models import Training

    training = _db.session.scalar(_db.select(Training).where(Training.code == code))
    item = materials.add_file(None, training, "Modul khusus peserta", b"%PDF-1.4 rahasia B", "participants")
    _db.session.commit()
    return item


def _url(rule, values):
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(r"<(?:[^:<>]+:)?" + arg + r">", str(value), url)
    return url


def _snapshot(registration):
    _db.session.expire_all()
    reg = _db.session.get(Registration, registration.id)
    plan = plans.plan_for(reg)
    return (reg.status, reg.nama_lengkap, reg.phone, reg.deletion_requested_at, plan.status if plan else None,
            plan.attachment_digest if plan else None, json.dumps(plan.rows if plan else None, default=str))


def test_participant_routes_with_ids_are_found():
    """Guard for the enumeration itself: the known participant routes with ids are in the list."""
    rules = {r.rule for r in PARTICIPANT_RULES}
    for expected in ("/peserta/rtl/<int:registration_id>", "/rtl/<int:registration_id>/lampiran",
                     "/peserta/pendaftaran/<int:registration_id>/ubah"):
        assert expected in rules


@pytest.mark.parametrize("victim_key", ["b", "b_elsewhere"])
@pytest.mark.parametrize("rule", PARTICIPANT_RULES, ids=lambda r: f"{sorted(r.methods - {'HEAD', 'OPTIONS'})} {r.rule}")
def test_participant_cannot_reach_another_participants_object(client, login_as, world, rule, victim_key):
    victim = world[victim_key]
    login_as(world["a"].user)
    before = _snapshot(victim)
    url = _url(rule, _ids_for(rule, victim))
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        data = {"nama_lengkap": "Diubah Penyerang", "phone": "0800000000", "action": "submit",
                "rows-0-kegiatan": "x"} if method in UNSAFE else None
        response = client.open(url, method=method, data=data)
        assert response.status_code in (403, 404), \
            f"{method} {url} answered {response.status_code} to another participant"
        body = response.get_data(as_text=True)
        assert "Bayu" not in body and "rahasia" not in body and victim.email not in body
    assert _snapshot(victim) == before, f"{url} changed another participant's data"


def test_portal_and_data_export_show_only_own_registrations(client, login_as, world):
    login_as(world["a"].user)
    portal = client.get("/peserta").get_data(as_text=True)
    assert "Ani Peserta" in portal and "Bayu" not in portal
    exported = json.dumps(client.get("/peserta/data-saya.json").get_json())
    assert "ani@example.id" in exported and "bayu" not in exported.lower()


def test_owner_still_reaches_own_objects(client, login_as, world):
    """The same URLs work for their owner (so the 403/404 above is about ownership, not a broken route)."""
    b = world["b"]
    login_as(b.user)
    assert client.get(f"/peserta/rtl/{b.id}").status_code == 200
    attachment = client.get(f"/rtl/{b.id}/lampiran")
    assert attachment.status_code == 200 and b"rahasia B" in zipfile.ZipFile(io.BytesIO(attachment.data)).read(
        "word/document.xml")
    assert client.get(f"/rtl/{b.id}/rtl.pdf").status_code == 200
    assert client.get(f"/peserta/pendaftaran/{b.id}/ubah").status_code == 200
    download = client.get(f"/sertifikat/{_certificate_for(b).id}/unduh")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 rahasia B"
