"""Who an announcement goes to (pure): a filter over a few facts per participant.

Facts are plain values the services collect in a handful of queries; `matches` decides, `describe`
writes the filter as an Indonesian sentence for the preview.
"""
from dataclasses import dataclass, field

ATTENDANCE_CHOICES = (("lulus", "Memenuhi syarat kehadiran"), ("belum", "Belum memenuhi syarat kehadiran"))
RTL_CHOICES = (("belum_diisi", "RTL belum diisi"), ("draf", "RTL draf"), ("diajukan", "RTL diajukan"),
               ("perlu_revisi", "RTL perlu revisi"), ("disetujui", "RTL disetujui"))
CERTIFICATE_CHOICES = (("sah", "Sertifikat sudah terbit"), ("belum", "Belum punya sertifikat"),
                       ("dicabut", "Sertifikat dicabut"))
DEFAULT_STATUSES = ("registered",)


@dataclass(frozen=True)
class Facts:
    """What the filter may look at for one participant (no contact data)."""

    status: str
    kabupaten: str = ""
    instansi: str = ""
    attendance: str = ""   # lulus | belum | "" (not assessed: not registered)
    rtl: str = ""          # one of RTL_CHOICES keys
    certificate: str = ""  # sah | belum | dicabut


@dataclass(frozen=True)
class AudienceFilter:
    """Empty tuples and strings mean 'any'; statuses default to registered participants."""

    statuses: tuple = DEFAULT_STATUSES
    kabupaten: tuple = field(default_factory=tuple)
    instansi: str = ""  # part of the name, case-insensitive
    attendance: tuple = field(default_factory=tuple)
    rtl: tuple = field(default_factory=tuple)
    certificate: tuple = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data):
        data = data or {}

        def many(key, default=()):
            value = data.get(key) or default
            return tuple(sorted({str(v).strip() for v in value if str(v).strip()}))

        return cls(statuses=many("statuses", DEFAULT_STATUSES), kabupaten=many("kabupaten"),
                   instansi=" ".join(str(data.get("instansi") or "").split())[:200],
                   attendance=many("attendance"), rtl=many("rtl"), certificate=many("certificate"))

    def to_dict(self):
        return {"statuses": list(self.statuses), "kabupaten": list(self.kabupaten), "instansi": self.instansi,
                "attendance": list(self.attendance), "rtl": list(self.rtl), "certificate": list(self.certificate)}


def matches(audience, facts):
    """True when the participant with these facts belongs to the audience."""
    checks = ((audience.statuses, facts.status), (audience.kabupaten, facts.kabupaten),
              (audience.attendance, facts.attendance), (audience.rtl, facts.rtl),
              (audience.certificate, facts.certificate))
    if any(allowed and value not in allowed for allowed, value in checks):
        return False
    return not audience.instansi or audience.instansi.casefold() in facts.instansi.casefold()


def select(audience, facts_by_id):
    """Ids (in the given order) whose facts match."""
    return [key for key, facts in facts_by_id.items() if matches(audience, facts)]


def describe(audience, status_labels):
    """The filter as one Indonesian phrase, e.g. 'status Terdaftar; kabupaten/kota Bangka'."""
    labels = {**dict(ATTENDANCE_CHOICES), **dict(RTL_CHOICES), **dict(CERTIFICATE_CHOICES)}
    parts = ["status " + ", ".join(status_labels.get(s, s) for s in audience.statuses)] if audience.statuses else []
    if audience.kabupaten:
        parts.append("kabupaten/kota " + ", ".join(audience.kabupaten))
    if audience.instansi:
        parts.append(f"instansi memuat “{audience.instansi}”")
    for values in (audience.attendance, audience.rtl, audience.certificate):
        if values:
            parts.append(" atau ".join(labels.get(v, v) for v in values))
    return "; ".join(parts) or "semua peserta"
