"""Typesets a text document into a PDF with python3-reportlab, for the
tests (tests/test_extract.c, tests/cli/e2e_formats.py), as a word processor
would lay it out: each block of SRC (lines up to a blank line) is one
paragraph, its lines joined and wrapped to an A4 page's width, with an
empty line's space after it; a block starting with '#' is a heading, in
bold, larger for '#' and '##'; markup (HTML tags, **) is left out.  The
text is DejaVu Sans (real Unicode text).  The document info's title is
TITLE and its creation date comes from $SOURCE_DATE_EPOCH.  SIDE gets the
number of pages and the first line of each.

usage: python3 mkpdf.py SRC OUT.pdf TITLE SIDE
"""
import re
import sys

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = "/usr/share/fonts/truetype/dejavu/"
src, out, title, side = sys.argv[1:5]
pdfmetrics.registerFont(TTFont("DejaVu", FONTS + "DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", FONTS + "DejaVuSans-Bold.ttf"))
size, lead, margin = 10, 13, 56
w, h = A4
c = canvas.Canvas(out, pagesize=A4)
c.setTitle(title)
firsts, y = [None], h - margin


def down(step):
    global y
    y -= step
    if y < margin:
        c.showPage()
        y = h - margin
        firsts.append(None)


def block(lines):
    text = " ".join(re.sub(r"<[^>]+>", "", raw).replace("**", "").strip() for raw in lines)
    text = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"(#+)\s*", text)
    font, fsize, step = "DejaVu", size, lead
    if m:
        text = text[m.end():]
        font = "DejaVu-Bold"
        if len(m.group(1)) <= 2:
            fsize, step = 13, 17
    if not text:
        return
    for part in simpleSplit(text, font, fsize, w - 2 * margin):
        if firsts[-1] is None:
            firsts[-1] = part
        c.setFont(font, fsize)
        c.drawString(margin, y, part)
        down(step)
    down(lead)  # the empty line after a paragraph


lines = []
for raw in open(src, encoding="utf-8").read().split("\n"):
    if raw.strip():
        lines.append(raw)
    else:
        block(lines)
        lines = []
block(lines)
if firsts[-1] is None and len(firsts) > 1:
    firsts.pop()
else:
    c.showPage()
c.save()
with open(side, "w", encoding="utf-8") as f:
    f.write("%d\n" % len(firsts))
    for p in firsts:
        f.write((p or "") + "\n")
