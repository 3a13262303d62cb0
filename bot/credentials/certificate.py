"""The certificate picture: a PNG a learner can show or print, with a QR code of the verification link.
Its words are drawn by :mod:`bot.drawing`, which shapes Khmer."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw

import bot.drawing as drawing

WIDTH, HEIGHT = 1600, 1131  # A4 landscape proportions
INK, ACCENT, MUTED, PAPER = (28, 37, 54), (13, 110, 99), (100, 110, 125), (255, 253, 247)


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


def _centered(draw: ImageDraw.ImageDraw, y: float, text: str, size: int, bold: bool, fill: tuple[int, ...]) -> float:
    """Draw one line centred at height ``y`` (its top); returns the next line's top."""
    drawing.text(draw, (WIDTH - drawing.width(text, size, bold)) / 2, y, text, size, fill, bold)
    return y + drawing.line_height(text, size)


def render(text: CertificateText) -> bytes:
    """The certificate as PNG bytes."""
    drawing.require_shaping()
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=ACCENT, width=6)
    draw.rectangle((48, 48, WIDTH - 48, HEIGHT - 48), outline=ACCENT, width=2)
    y = _centered(draw, 120, text.heading, 56, True, ACCENT)
    if text.awarded_to:
        lines, size = drawing.fit(text.awarded_to, 46, False, WIDTH - 300, 1)
        y = _centered(draw, y + 40, lines[0], size, False, INK)
    lines, size = drawing.fit(text.title, 64, True, WIDTH - 260)
    y += 50
    for line in lines:
        y = _centered(draw, y, line, size, True, INK)
    lines, size = drawing.fit(text.provider, 40, False, WIDTH - 300, 1)
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
    drawing.text(draw, draw_left, HEIGHT - 250, text.scan, 30, MUTED)
    drawing.text(draw, draw_left, HEIGHT - 200, text.verify_url, 24, MUTED)
    drawing.text(draw, draw_left, HEIGHT - 160, text.credential_id, 22, MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
