"""Demo RTLs for the SPP2020 training: one approved, one waiting for revision, one resubmitted, one
submitted, one draft. Looks everything up first, so it can run any number of times."""
from datetime import datetime, timezone

import sqlalchemy as sa

from bimtek.accounts import services as accounts
from bimtek.action_plans import services, workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.action_plans.plan_rows import PlanRow, assign_keys
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training

LAYANAN, PELIBATAN, ADVOKASI = services.plan_rows.TPBIS_STRATEGIES


def _at(day, hour=10):
    return datetime(2020, 7, day, hour, 0, tzinfo=timezone.utc)


def _rows(village, kab):
    return assign_keys([
        PlanRow(LAYANAN, f"Kelas literasi digital bagi warga Desa {village}",
                "Warga mampu memakai internet untuk usaha", "Ibu rumah tangga dan pemuda desa",
                "Agustus–Oktober 2020", "Pengelola perpustakaan desa",
                "30 warga mengikuti 6 kali kelas", "Dana Desa 2020", "Karang Taruna"),
        PlanRow(PELIBATAN, "Pojok baca dan dongeng anak setiap Sabtu", "Meningkatkan minat baca anak",
                "Anak usia SD", "September–Desember 2020", "Relawan perpustakaan",
                "Rata-rata 25 anak hadir tiap pekan", "Swadaya", "PKK Desa"),
        PlanRow(ADVOKASI, f"Audiensi dengan Kepala Desa dan Dinas Perpustakaan {kab}",
                "Perpustakaan masuk RKPDes 2021", "Pemerintah desa", "Oktober 2020", "Kepala perpustakaan desa",
                "Anggaran perpustakaan tercantum dalam RKPDes", "-", "Dinas Perpustakaan Kabupaten"),
    ])


def _submit(user, registration, rows, day):
    return services.submit_plan(user, registration, rows, now=_at(day))


def seed_plans():
    """Create the demo plans once; returns how many plans the demo training has."""
    training = db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))
    reviewer = accounts.find_by_email("reviewer@dkpus.example.id")
    if training is None or reviewer is None:
        return 0
    regs = {r.number: r for r in db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id))}
    for number, story in STORIES.items():
        registration = regs.get(number)
        if registration is None or registration.user is None or services.plan_for(registration) is not None:
            continue
        story(registration, reviewer)
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count(ActionPlan.id)).where(ActionPlan.training_id == training.id))


def _approved(reg, reviewer):
    plan = _submit(reg.user, reg, _rows("Air Gantang", reg.kabupaten), 24)
    services.decide(reviewer, plan, workflow.APPROVE, "Rencana jelas dan terukur. Selamat melaksanakan.", now=_at(27))


def _revision(reg, reviewer):
    rows = _rows("Air Gantang", reg.kabupaten)
    rows[2].indikator_keberhasilan = "Ada audiensi"
    plan = _submit(reg.user, reg, rows, 25)
    services.decide(reviewer, plan, workflow.REQUEST_REVISION,
                    "Indikator keberhasilan kegiatan advokasi belum terukur.",
                    {rows[2].key: "Sebutkan hasil yang diharapkan, mis. anggaran masuk RKPDes 2021."}, now=_at(27))


def _resubmitted(reg, reviewer):
    rows = _rows("Toboali", reg.kabupaten)[:2]
    plan = _submit(reg.user, reg, rows, 24)
    services.decide(reviewer, plan, workflow.REQUEST_REVISION, "Tambahkan kegiatan untuk strategi Advokasi dan "
                    "Kemitraan.", now=_at(26))
    rows = _rows("Toboali", reg.kabupaten)
    rows[0].waktu_pelaksanaan = "September–November 2020"
    _submit(reg.user, reg, rows, 28)


def _submitted(reg, reviewer):
    _submit(reg.user, reg, _rows("Namang", reg.kabupaten), 29)


def _draft(reg, reviewer):
    services.save_draft(reg.user, reg, _rows("Kundi", reg.kabupaten)[:1], now=_at(23))


STORIES = {
    "SPP2020-0001": _approved,
    "SPP2020-0002": _revision,
    "SPP2020-0003": _draft,
    "SPP2020-0004": _resubmitted,
    "SPP2020-0005": _submitted,
}
