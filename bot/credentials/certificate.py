"""The certificate picture: a PNG a learner can show or print, with a QR code of the verification link.

Khmer must be shaped (subscript consonants, vowels placed around the base): Pillow's basic layout does
not do that; its raqm layout (HarfBuzz, bundled in Pillow's wheels) does, so the picture is drawn with
it and refuses to draw without it. Khmer runs use Noto Sans Khmer, everything else Noto Sans (subset to
Latin and Vietnamese); both ship in ``fonts/`` under the SIL Open Font License.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont, features

FONTS = Path(str(resources.files("bot.credentials") / "fonts"))
WIDTH, HEIGHT = 1600, 1131  # A4 landscape proportions
INK, ACCENT, MUTED, PAPER = (28, 37, 54), (13, 110, 99), (100, 110, 125), (255, 253, 247)
_KHMER_RUN = re.compile(r"([\u1780-\u17ff\u19e0-\u19ff]+(?:[ \u200b]+[\u1780-\u17ff\u19e0-\u19ff]+)*)")


@dataclass(frozen=True)
class CertificateText:
    """Everything written on the certificate, already in the learner's language."""

    heading: str  # "Certificate of completion"
    awarded_to: str | None  # "awarded to Sokha Chan", None when no name was given
    title: str
    provider: str
    date: str
    scan: str  # "Scan to verify"
    verify_url: str
    credential_id: str


@cache
def _font(khmer: bool, bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = f"NotoSans{'Khmer' if khmer else ''}-{'Bold' if bold else 'Regular'}.ttf"
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.RAQM)


def _runs(text: str) -> list[tuple[str, bool]]:
    """The text cut into Khmer and non-Khmer runs (each drawn with its own font)."""
    return [(part, bool(_KHMER_RUN.fullmatch(part))) for part in _KHMER_RUN.split(text) if part]


def _width(text: str, size: int, bold: bool) -> float:
    return sum(_font(k, bold, size).getlength(part) for part, k in _runs(text))


def _fit(text: str, size: int, bold: bool, width: int, lines: int = 2) -> tuple[list[str], int]:
    """Lines of ``text`` and a font size so that it fits ``width`` in at most ``lines`` lines."""
    while size > 18:
        words, out, current = text.split(" "), [], ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if _width(candidate, size, bold) <= width or not current:
                current = candidate
            else:
                out.append(current)
                current = word
        out.append(current)
        if len(out) <= lines and all(_width(line, size, bold) <= width for line in out):
            return out, size
        size -= 4
    return [text], size


def _centered(draw: ImageDraw.ImageDraw, y: float, text: str, size: int, bold: bool, fill: tuple[int, ...]) -> float:
    """Draw one line centred at height ``y`` (its top); returns the next line's top."""
    x = (WIDTH - _width(text, size, bold)) / 2
    for part, khmer in _runs(text):
        font = _font(khmer, bold, size)
        draw.text((x, y), part, font=font, fill=fill)
        x += font.getlength(part)
    return y + size * (1.75 if any(k for _, k in _runs(text)) else 1.35)


def render(text: CertificateText) -> bytes:
    """The certificate as PNG bytes."""
    if not features.check("raqm"):  # pragma: no cover - Pillow's wheels bundle it
        raise RuntimeError("Pillow without raqm cannot shape Khmer; install Pillow's wheel")
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=ACCENT, width=6)
    draw.rectangle((48, 48, WIDTH - 48, HEIGHT - 48), outline=ACCENT, width=2)
    y = _centered(draw, 120, text.heading, 56, True, ACCENT)
    if text.awarded_to:
        lines, size = _fit(text.awarded_to, 46, False, WIDTH - 300, 1)
        y = _centered(draw, y + 40, lines[0], size, False, INK)
    lines, size = _fit(text.title, 64, True, WIDTH - 260)
    y += 50
    for line in lines:
        y = _centered(draw, y, line, size, True, INK)
    lines, size = _fit(text.provider, 40, False, WIDTH - 300, 1)
    y = _centered(draw, y + 20, lines[0], size, False, INK)
    _centered(draw, y + 10, text.date, 34, False, MUTED)
    qr = segno.make(text.verify_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=7, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    side = min(code.width, 250)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, (WIDTH - 110 - side, HEIGHT - 110 - side))
    draw_left = 110
    _line(draw, draw_left, HEIGHT - 250, text.scan, 30, MUTED)
    _line(draw, draw_left, HEIGHT - 200, text.verify_url, 24, MUTED)
    _line(draw, draw_left, HEIGHT - 160, text.credential_id, 22, MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _line(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, size: int, fill: tuple[int, ...]) -> None:
    for part, khmer in _runs(text):
        font = _font(khmer, False, size)
        draw.text((x, y), part, font=font, fill=fill)
        x += font.getlength(part)
