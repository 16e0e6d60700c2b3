"""A lesson as an iCalendar entry (RFC 5545) for the viewer's calendar app."""

from __future__ import annotations

from datetime import UTC, datetime

from tenants.live.audience import LessonRef
from tenants.live.models import Lesson

PRODID = "-//PartyCloud//Live lessons//ZH"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n`` (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with a space), never inside a UTF-8
    character (RFC 5545 3.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1  # the leading space takes one octet
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def lesson_uid(ref: LessonRef, domain: str) -> str:
    """Stable per lesson: an updated download replaces the entry instead of adding one."""
    return f"live-{ref.schema}-{ref.lesson_id}@{domain}"


def lesson_calendar(ref: LessonRef, lesson: Lesson, *, url: str, domain: str, now: datetime) -> str:
    """The whole ``text/calendar`` body: one VEVENT, CRLF line endings."""
    description = "\n".join(part for part in (lesson.lecturer, lesson.description, url) if part)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{lesson_uid(ref, domain)}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(lesson.starts_at)}",
        f"DTEND:{utc_stamp(lesson.planned_end_at)}",
        f"SUMMARY:{escape_text(lesson.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "STATUS:CANCELLED" if lesson.status == "cancelled" else "STATUS:CONFIRMED",
        # A reminder 15 minutes before, like the platform's own notification.
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT15M",
        f"DESCRIPTION:{escape_text(lesson.title)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
