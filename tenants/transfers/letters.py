"""The introduction letter (组织关系介绍信) for a transfer out of the group: a PDF with the
letter, a verification QR code and a receipt stub (回执) for the receiving organization.

The QR code points to the public verification endpoint; its ``code`` is an HMAC of the
letter number, so a letter cannot be forged by guessing numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from datetime import date

from django.conf import settings
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from partycloud.tenancy.models import PartyCommittee
from tenants.transfers.models import Transfer

FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def verification_code(number: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"letter:{number}".encode(), hashlib.sha256).hexdigest()[:16]


def verification_url(tenant: PartyCommittee, number: str) -> str:
    return f"{tenant.url}/api/v1/transfer-letters/verify?number={number}&code={verification_code(number)}"


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_pdf(transfer: Transfer, tenant: PartyCommittee) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(f"组织关系介绍信 {transfer.number}")
    width, height = A4
    member = transfer.member
    issued = transfer.created_at.date()
    membership = member.get_membership_display() if member else ""

    def text(x: float, y: float, value: str, size: int = 12) -> None:
        canvas.setFont(FONT, size)
        canvas.drawString(x, y, value)

    canvas.setFont(FONT, 20)
    canvas.drawCentredString(width / 2, height - 30 * mm, "中国共产党党员组织关系介绍信")
    text(width - 75 * mm, height - 40 * mm, f"编号：{transfer.number}", 10)
    y = height - 55 * mm
    lines = [
        f"{transfer.external_organization}：",
        f"    兹介绍{transfer.member_name}同志（{membership}）的党员组织关系由{transfer.from_organization.name if transfer.from_organization else tenant.name}",
        "转去你处，请接洽。",
        f"    该同志党费已交到{issued.year}年{issued.month}月。",
        f"    转接原因：{transfer.reason or '—'}",
        f"    （有效期至{_chinese_date(transfer.valid_until)}）",
    ]
    for line in lines:
        text(25 * mm, y, line)
        y -= 9 * mm
    text(width - 90 * mm, y - 6 * mm, f"{tenant.name}（盖章）")
    text(width - 90 * mm, y - 15 * mm, _chinese_date(issued))

    qr = QrCodeWidget(verification_url(tenant, transfer.number))
    x1, y1, x2, y2 = qr.getBounds()
    size = 32 * mm
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, canvas, 25 * mm, y - 30 * mm)
    text(25 * mm, y - 35 * mm, "扫码核验本介绍信真伪", 9)

    # The receipt stub, below a cut line.
    cut = 95 * mm
    canvas.setDash(4, 3)
    canvas.line(15 * mm, cut, width - 15 * mm, cut)
    canvas.setDash()
    text(width / 2 - 25 * mm, cut - 12 * mm, "组织关系介绍信回执", 16)
    text(25 * mm, cut - 25 * mm, f"{tenant.name}：")
    text(
        25 * mm,
        cut - 35 * mm,
        f"    编号 {transfer.number} 介绍信所介绍的{transfer.member_name}同志的党员组织关系已收到。",
    )
    text(width - 90 * mm, cut - 55 * mm, "接收党组织（盖章）")
    text(width - 90 * mm, cut - 64 * mm, "        年    月    日")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
