"""Audience filters, their description and the ready texts (pure)."""
from bimtek.announcements.audience import AudienceFilter, Facts, describe, matches, select
from bimtek.announcements.presets import personalise, preset, safe_format, unknown_placeholders

SITI = Facts("registered", "Bangka", "Dinas Perpustakaan Kabupaten Bangka", "lulus", "disetujui", "sah")
BUDI = Facts("registered", "Kota Pangkal Pinang", "SMAN 1 Pangkalpinang", "belum", "belum_diisi", "belum")
ANI = Facts("waiting", "Bangka", "Perpustakaan Desa", "", "belum_diisi", "belum")


def test_default_is_every_registered_participant():
    assert select(AudienceFilter(), {1: SITI, 2: BUDI, 3: ANI}) == [1, 2]


def test_each_filter_narrows():
    people = {1: SITI, 2: BUDI, 3: ANI}
    assert select(AudienceFilter(statuses=("registered", "waiting"), kabupaten=("Bangka",)), people) == [1, 3]
    assert select(AudienceFilter(instansi="perpustakaan"), people) == [1]  # case-insensitive part
    assert select(AudienceFilter(attendance=("belum",)), people) == [2]
    assert select(AudienceFilter(rtl=("belum_diisi", "draf")), people) == [2]
    assert select(AudienceFilter(certificate=("sah",)), people) == [1]
    assert matches(AudienceFilter(statuses=()), Facts("rejected"))  # no status chosen: any status


def test_round_trip_and_cleaning():
    audience = AudienceFilter.from_dict({"statuses": ["registered", " "], "kabupaten": ["Bangka", "Bangka"],
                                         "instansi": "  Dinas   Perpustakaan ", "rtl": None})
    assert audience == AudienceFilter(kabupaten=("Bangka",), instansi="Dinas Perpustakaan")
    assert AudienceFilter.from_dict(audience.to_dict()) == audience


def test_description_in_indonesian():
    text = describe(AudienceFilter(kabupaten=("Bangka",), rtl=("belum_diisi",)), {"registered": "Terdaftar"})
    assert text == "status Terdaftar; kabupaten/kota Bangka; RTL belum diisi"


def test_presets_keep_personal_placeholders():
    subject, body = preset("tautan", "Literasi Digital", "https://zoom.us/j/9", "https://x/peserta")
    assert subject == "Perubahan tautan rapat — Literasi Digital" and "https://zoom.us/j/9" in body
    assert "{nama}" in body and "{nomor}" in body
    assert personalise(body, "Siti", "SPP-0001").count("SPP-0001") == 1 and "{nama}" not in personalise(body, "S", "1")
    assert preset("tidak-ada", "x", "", "") is None


def test_user_braces_never_break_sending():
    assert safe_format("Kode {rahasia} untuk {nama} {", {"nama": "Siti"}) == "Kode {rahasia} untuk Siti {"
    assert safe_format("} {{nama}} {Nama} { nomor } {0} {nama!r} {}", {"nama": "Siti", "nomor": "A-1"}) == \
        "} {Siti} Siti A-1 {0} {nama!r} {}"
    assert unknown_placeholders("Yth. {nama}, {nmaa} {NOMOR} {x} {x} {0} { } {json: 1}") == ["{nmaa}", "{x}"]
    assert safe_format("Kode {rahasia} untuk {nama}", {"nama": "Siti"}) == "Kode {rahasia} untuk Siti"


def test_group_text_puts_the_number_words_in_brackets_once():
    from bimtek.announcements.presets import group_text

    def group(text):
        return group_text(text, "Bapak/Ibu peserta", "nomor registrasi Anda")

    assert group("Yth. {nama} ({nomor})") == "Yth. Bapak/Ibu peserta (nomor registrasi Anda)"
    assert group("Yth. {nama} ( {Nomor} )") == "Yth. Bapak/Ibu peserta (nomor registrasi Anda)"
    assert group("Nomor Anda: {nomor}.") == "Nomor Anda: (nomor registrasi Anda)."
    assert group("({nama}) {x} {") == "(Bapak/Ibu peserta) {x} {"
