"""Text on pictures (certificates, charts), shaped right in Khmer and Vietnamese.

Khmer must be shaped (subscript consonants, vowels placed around the base): Pillow's basic layout does
not do that, nor does matplotlib's text engine; Pillow's raqm layout (HarfBuzz, bundled in Pillow's
wheels) does, so every word on a picture is drawn here, and nothing draws without raqm. Khmer runs use
Noto Sans Khmer, everything else Noto Sans (subset to Latin and Vietnamese); both ship in ``fonts/``
under the SIL Open Font License.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from PIL import ImageDraw, ImageFont, features

FONTS = Path(str(resources.files("bot") / "fonts"))
_KHMER_RUN = re.compile(r"([\u1780-\u17ff\u19e0-\u19ff]+(?:[ \u200b]+[\u1780-\u17ff\u19e0-\u19ff]+)*)")
Colour = tuple[int, ...]


def require_shaping() -> None:
    if not features.check("raqm"):  # pragma: no cover - Pillow's wheels bundle it
        raise RuntimeError("Pillow without raqm cannot shape Khmer; install Pillow's wheel")


@cache
def font(khmer: bool, bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = f"NotoSans{'Khmer' if khmer else ''}-{'Bold' if bold else 'Regular'}.ttf"
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.RAQM)


def runs(text: str) -> list[tuple[str, bool]]:
    """The text cut into Khmer and non-Khmer runs (each drawn with its own font)."""
    return [(part, bool(_KHMER_RUN.fullmatch(part))) for part in _KHMER_RUN.split(text) if part]


def width(text: str, size: int, bold: bool = False) -> float:
    return sum(font(k, bold, size).getlength(part) for part, k in runs(text))


def line_height(text: str, size: int) -> float:
    """Khmer needs room above and below for its vowels and subscripts."""
    return size * (1.75 if any(k for _, k in runs(text)) else 1.35)


def fit(text: str, size: int, bold: bool, room: float, lines: int = 2, smallest: int = 18) -> tuple[list[str], int]:
    """Lines of ``text`` and a font size so that it fits ``room`` pixels in at most ``lines`` lines."""
    while size > smallest:
        out, current = [], ""
        for word in text.split(" "):
            candidate = f"{current} {word}".strip()
            if width(candidate, size, bold) <= room or not current:
                current = candidate
            else:
                out.append(current)
                current = word
        out.append(current)
        if len(out) <= lines and all(width(line, size, bold) <= room for line in out):
            return out, size
        size -= 2
    return [text], size


def text(draw: ImageDraw.ImageDraw, x: float, y: float, line: str, size: int, fill: Colour,
         bold: bool = False) -> None:
    """One line, its top-left at (x, y)."""
    for part, khmer in runs(line):
        face = font(khmer, bold, size)
        draw.text((x, y), part, font=face, fill=fill)
        x += face.getlength(part)
