"""Exports of organizational life: the activity ledger (组织生活台账) of an organization and
year as a workbook, and a printable meeting record (会议记录) as a PDF.

The PDF is set in WenQuanYi Micro Hei (fonts-wqy-microhei, found with ``fc-match`` at run time)
and falls back to reportlab's STSong-Light CID font (every PDF reader has it) when the font is
not installed.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from datetime import date
from functools import cache
from html import unescape
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from partycloud.core.spreadsheets import HEADER_FILL
from tenants.meetings.compliance import MET, MISSING, NOT_APPLICABLE, PENDING, Row, Span
from tenants.meetings.models import AttendanceStatus, Meeting, MeetingStatus
from tenants.organizations.models import Organization

VERDICT_LABELS = {MET: "达标", MISSING: "未达标", PENDING: "进行中", NOT_APPLICABLE: "不适用"}
STATUS_LABELS: dict[str, str] = {
    AttendanceStatus.INVITED: "未签到",
    AttendanceStatus.PRESENT: "出席",
    AttendanceStatus.ABSENT: "缺席",
    AttendanceStatus.LEAVE_REQUESTED: "请假待批",
    AttendanceStatus.LEAVE_APPROVED: "请假",
}
METHOD_LABELS = {"qr": "扫码", "card": "刷卡", "manual": "主持人代签", "live": "直播观看"}
FALLBACK_FONT = "STSong-Light"
log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ ledger


def _header(sheet: Any, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def ledger_workbook(
    organization: Organization, year: int, meetings: Sequence[Meeting], spans: Sequence[Span], rows: Sequence[Row]
) -> bytes:
    """组织生活台账: the year's meetings of the organization's subtree (one line each, with
    attendance counts), then the compliance of each kind per quarter with its reasons."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "活动台账"
    sheet.append([f"{organization.name} {year}年组织生活台账"])
    sheet["A1"].font = Font(bold=True, size=14)
    headers = ["序号", "党组织", "活动类型", "主题", "开始时间", "结束时间", "地点/线上", "主持人", "记录人",
               "状态", "应到", "实到", "缺席", "请假", "出席率(%)", "决议数"]  # fmt: skip
    sheet.append(headers)
    _header(sheet, 2)
    for number, meeting in enumerate(meetings, start=1):
        statuses = [attendee.status for attendee in meeting.attendees.all() if not attendee.is_guest]
        invited = len(statuses)
        present = statuses.count(AttendanceStatus.PRESENT)
        sheet.append(
            [
                number,
                meeting.organization.name,
                meeting.kind.name,
                meeting.title,
                _local(meeting.starts_at),
                _local(meeting.ends_at),
                meeting.place or meeting.online_url,
                getattr(meeting.host, "name", "") or "",
                getattr(meeting.recorder, "name", "") or "",
                meeting.get_status_display(),
                invited,
                present,
                statuses.count(AttendanceStatus.ABSENT),
                statuses.count(AttendanceStatus.LEAVE_APPROVED),
                round(present * 100 / invited, 1) if invited else None,
                len(meeting.resolutions.all()),
            ]
        )
    for index, width in enumerate([6, 20, 14, 30, 17, 17, 20, 10, 10, 8, 6, 6, 6, 6, 10, 8], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    summary = workbook.create_sheet("合规情况")
    summary.append(
        [
            "党组织",
            "活动类型",
            *(f"{span.key} 应/实" for span in spans),
            *(f"{span.key} 结论" for span in spans),
            "说明",
        ]
    )
    _header(summary, 1)
    for row in rows:
        summary.append(
            [
                row.organization.name,
                row.kind.name,
                *(f"{cell.expected}/{cell.held}" for cell in row.cells),
                *(VERDICT_LABELS[cell.verdict] for cell in row.cells),
                "；".join(str(cell.reason) for cell in row.cells if cell.verdict in {MISSING, PENDING}),
            ]
        )
    summary.column_dimensions["A"].width = 20
    summary.column_dimensions["B"].width = 14
    summary.column_dimensions[get_column_letter(3 + 2 * len(spans))].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ record PDF


@cache
def cjk_font() -> str:
    """The registered name of the CJK font: WenQuanYi Micro Hei where fc-match finds it, else
    reportlab's STSong-Light."""
    path = ""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"],  # noqa: S607
                capture_output=True, text=True, timeout=5, check=False,
            )  # fmt: skip
            path = found.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            path = ""
    if path and "wqy-microhei" in path.lower():
        try:
            pdfmetrics.registerFont(TTFont("WQYMicroHei", path, subfontIndex=0))
        except Exception:  # noqa: BLE001 — an unreadable font file: use the built-in CID font
            log.warning("CJK font %s unreadable; falling back to %s", path, FALLBACK_FONT)
        else:
            return "WQYMicroHei"
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def plain_text(html: str) -> str:
    """Sanitized minutes (HTML) as lines of text for the PDF."""
    text = re.sub(r"<\s*(br|/p|/li|/h[1-6]|/div)\s*/?\s*>", "\n", html or "", flags=re.IGNORECASE)
    text = re.sub(r"<\s*li[^>]*>", "• ", text, flags=re.IGNORECASE)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for char in paragraph:
            if pdfmetrics.stringWidth(current + char, font, size) > width:
                lines.append(current)
                current = char
            else:
                current += char
        lines.append(current)
    return lines


def record_pdf(meeting: Meeting, tenant_name: str) -> bytes:
    """A printable meeting record: the facts, attendance, agenda, minutes, resolutions."""
    font = cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(f"会议记录 {meeting.title}")
    width, height = A4
    left, right, bottom = 20 * mm, width - 20 * mm, 20 * mm
    y = height - 25 * mm

    def line(value: str, size: float = 11, gap: float = 6.5 * mm, x: float = left) -> None:
        nonlocal y
        for part in _wrap(value, font, size, right - x):
            if y < bottom:
                canvas.showPage()
                y = height - 20 * mm
            canvas.setFont(font, size)
            canvas.drawString(x, y, part)
            y -= gap

    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, y, f"{meeting.kind.name}会议记录")
    y -= 12 * mm
    attendees = list(meeting.attendees.all())
    members = [attendee for attendee in attendees if not attendee.is_guest]
    present = [attendee for attendee in members if attendee.status == AttendanceStatus.PRESENT]
    facts = [
        ("党组织", meeting.organization.name),
        ("会议主题", meeting.title),
        ("时间", f"{_local(meeting.starts_at)} 至 {_local(meeting.ends_at)}"),
        ("地点", meeting.place or meeting.online_url or "—"),
        ("主持人", getattr(meeting.host, "name", "") or "—"),
        ("记录人", getattr(meeting.recorder, "name", "") or "—"),
        ("状态", meeting.get_status_display()),
        ("应到 / 实到", f"{len(members)} / {len(present)}"),
    ]
    if meeting.voting_members is not None:
        facts.append(("有表决权党员 应到 / 实到", f"{meeting.voting_members} / {meeting.voting_present}"))
    for label, value in facts:
        line(f"{label}：{value}")
    y -= 3 * mm
    line("出席情况", 13)
    for attendee in attendees:
        status = STATUS_LABELS.get(attendee.status, attendee.status)
        detail = METHOD_LABELS.get(attendee.method, "") if attendee.status == AttendanceStatus.PRESENT else ""
        reason = attendee.absence_reason or attendee.leave_reason
        guest = "（列席）" if attendee.is_guest else ""
        line(f"{attendee.name}{guest}　{status}　{detail}　{reason}".rstrip(), 10, 5.5 * mm, left + 5 * mm)
    for title, body in (("议程", meeting.agenda), ("会议记录", plain_text(meeting.minutes))):
        y -= 3 * mm
        line(title, 13)
        line(body or "—", 10.5, 6 * mm, left + 5 * mm)
    resolutions = list(meeting.resolutions.all())
    if resolutions:
        y -= 3 * mm
        line("决议", 13)
        for number, resolution in enumerate(resolutions, start=1):
            votes = ""
            if resolution.votes_for is not None:
                votes = f"（赞成 {resolution.votes_for}，反对 {resolution.votes_against or 0}，弃权 {resolution.abstentions or 0}"
                votes += "，通过）" if resolution.passed else ("，未通过）" if resolution.passed is False else "）")
            line(f"{number}. {resolution.text}{votes}", 10.5, 6 * mm, left + 5 * mm)
    y -= 8 * mm
    line(f"{tenant_name}　打印于 {timezone.localtime().strftime('%Y-%m-%d %H:%M')}", 9)
    if meeting.status != MeetingStatus.HELD:
        line("（本会议尚未标记为已召开）", 9)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
