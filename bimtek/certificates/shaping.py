"""Text shaping for the fast certificate path: HarfBuzz (uharfbuzz) on the installed font files.

WeasyPrint embeds fonts subset with HarfBuzz keeping the original glyph ids, so glyph ids shaped
here against the system font file are valid in the PDF fonts WeasyPrint wrote.
"""

import subprocess  # nosec B404  # only runs fontconfig's fc-match with a fixed argument list
import unicodedata
from dataclasses import dataclass

import uharfbuzz as hb

from bimtek.core.errors import DomainError

# CSS font-weight -> fontconfig weight, and CSS font-style -> fontconfig slant.
_FC_WEIGHTS = {100: 0, 200: 40, 300: 50, 400: 80, 500: 100, 600: 180, 700: 200, 800: 205, 900: 210}
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
FEATURES = {"kern": True, "liga": False, "clig": False, "dlig": False}


@dataclass(frozen=True)
class Shaped:
    """A shaped line: glyph ids, advances and offsets in font units, and the total advance."""

    glyphs: tuple
    advances: tuple
    offsets: tuple
    width: int


def resolve_font(family, weight, italic):
    """Return (postscript name, file path) of the font fontconfig picks for a CSS font."""
    families = ",".join(name for name in family if name not in _GENERIC) or "serif"
    fc_weight = _FC_WEIGHTS.get(round(weight / 100) * 100, 80)
    pattern = f"{families}:weight={fc_weight}:slant={100 if italic else 0}"
    try:
        # No shell; the pattern is built from the design's CSS font names and numbers, fc-match from PATH
        out = subprocess.run(["fc-match", "-f", "%{postscriptname}|%{file}", pattern],  # nosec B603 B607
                             capture_output=True, text=True, check=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise DomainError("Fontconfig (fc-match) tidak tersedia.", detail=str(exc)) from None
    ps_name, _, path = out.partition("|")
    if not path:
        raise DomainError(f"Font untuk {families} tidak ditemukan.")
    return ps_name, path


class ShapingFont:
    """A font file opened once for shaping and coverage checks."""

    def __init__(self, path):
        blob = hb.Blob.from_file_path(path)
        self.face = hb.Face(blob)
        self.font = hb.Font(self.face)
        self.upem = self.face.upem
        self.codepoints = frozenset(self.face.unicodes)

    def covers(self, text):
        """True when every character of ``text`` has a glyph in this font."""
        return all(ord(ch) in self.codepoints for ch in text)

    def shape(self, text):
        """Shape one line (NFC-normalised, kerning on, ligatures off)."""
        buf = hb.Buffer()
        buf.add_str(unicodedata.normalize("NFC", text))
        buf.guess_segment_properties()
        hb.shape(self.font, buf, FEATURES)
        glyphs = tuple(info.codepoint for info in buf.glyph_infos)
        positions = buf.glyph_positions
        advances = tuple(pos.x_advance for pos in positions)
        offsets = tuple((pos.x_offset, pos.y_offset) for pos in positions)
        return Shaped(glyphs, advances, offsets, sum(advances))
