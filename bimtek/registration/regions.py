"""Official provinces and kabupaten/kota (Kemendagri codes) and normalising what people type (pure).

The list ships in data/wilayah_kemendagri.csv (source and date in data/SOURCE.md). "Kabupaten Bangka",
"Kab. Bangka", "kab bangka" and "Bangka" all become "Kabupaten Bangka" when that is the only match; an ambiguous
name ("Bekasi": Kabupaten and Kota) or a name not in the list (a village library, an NGO) is kept as typed, so
non-government participants can still write their own ("lainnya").
"""
import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "wilayah_kemendagri.csv"
OTHER = "Lainnya"
_KAB_PREFIX = re.compile(r"^(kabupaten|kab\.?)(\s+administrasi|\s+adm\.?)?\s+", re.I)
_KOTA_PREFIX = re.compile(r"^(kota|kotamadya|kodya|kot\.?)(\s+administrasi|\s+adm\.?)?\s+", re.I)
_PROV_PREFIX = re.compile(r"^(provinsi|propinsi|prov\.?)\s+", re.I)
_PROVINCE_ALIASES = {"babel": "19", "bangkabelitung": "19", "kepbabel": "19", "dki": "31", "jakarta": "31",
                     "dkijakarta": "31", "diy": "34", "yogyakarta": "34", "jogja": "34", "diyogyakarta": "34",
                     "nad": "11", "nanggroeacehdarussalam": "11", "jabar": "32", "jateng": "33", "jatim": "35",
                     "sumut": "12", "sumbar": "13", "sumsel": "16", "kalbar": "61", "kalteng": "62",
                     "kalsel": "63", "kaltim": "64", "kaltara": "65", "sulut": "71", "sulteng": "72",
                     "sulsel": "73", "sultra": "74", "sulbar": "76", "ntb": "52", "ntt": "53", "kepri": "21"}


@dataclass(frozen=True)
class Region:
    code: str  # "19" (province) or "19.01" (kabupaten/kota)
    name: str  # official name, e.g. "Kabupaten Bangka"

    @property
    def province_code(self):
        return self.code[:2]

    @property
    def is_kota(self):
        return self.name.startswith("Kota ")


def _key(text):
    """Comparison key: lower case, letters and digits only ("Pangkal Pinang" = "Pangkalpinang")."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


@lru_cache(maxsize=1)
def _load():
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [Region(r["kode"].strip(), r["nama"].strip()) for r in csv.DictReader(handle)]
    provinces = [r for r in rows if "." not in r.code]
    regencies = [r for r in rows if "." in r.code]
    return tuple(provinces), tuple(regencies)


def provinces():
    """The 38 provinces, in code order."""
    return _load()[0]


def regencies(province_name=None):
    """Kabupaten/kota, all or of one province (given by any spelling normalize_province accepts)."""
    all_regencies = _load()[1]
    if not province_name:
        return all_regencies
    province = _find_province(province_name)
    return tuple(r for r in all_regencies if province and r.province_code == province.code)


def template_lists():
    """Provinces and kabupaten/kota for the registration form's datalists."""
    return {"provinces": provinces(), "regencies": regencies(), "other": OTHER,
            "province_names": {p.code: p.name for p in provinces()}}


def _find_province(text):
    key = _key(_PROV_PREFIX.sub("", str(text or "").strip()))
    if not key:
        return None
    by_code = {p.code: p for p in provinces()}
    for province in provinces():
        if key in (_key(province.name), _key(province.name.replace("Kepulauan ", "Kep. ")),
                   _key(province.name.replace("Kepulauan ", "")), province.code):
            return province
    return by_code.get(_PROVINCE_ALIASES.get(key, ""))


def normalize_province(text):
    """The official province name for a typed one ("Prov. Kep. Bangka Belitung" → "Kepulauan Bangka Belitung");
    the text unchanged (spaces collapsed) when it matches none."""
    province = _find_province(text)
    return province.name if province else " ".join(str(text or "").split())


def normalize_regency(text, province_name=None):
    """The official kabupaten/kota name when the typed one matches exactly one (within the province when
    given); else the text as typed (spaces collapsed)."""
    typed = " ".join(str(text or "").split())
    wants_kota = bool(_KOTA_PREFIX.match(typed))
    wants_kab = bool(_KAB_PREFIX.match(typed))
    key = _key(_KOTA_PREFIX.sub("", _KAB_PREFIX.sub("", typed)))
    if not key:
        return typed
    candidates = [r for r in (regencies(province_name) or regencies()) if _key(_bare(r.name)) == key]
    if wants_kota or wants_kab:
        candidates = [r for r in candidates if r.is_kota == wants_kota]
    return candidates[0].name if len(candidates) == 1 else typed


def _bare(name):
    return _KOTA_PREFIX.sub("", _KAB_PREFIX.sub("", name))


@lru_cache(maxsize=4096)  # imports repeat the same few places thousands of times
def normalize(provinsi, kabupaten):
    """(provinsi, kabupaten) with official names where unambiguous; the province narrows the kabupaten."""
    province = normalize_province(provinsi)
    return province, normalize_regency(kabupaten, province)
