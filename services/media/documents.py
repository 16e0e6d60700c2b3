"""Documents: page previews (PDF with pypdfium2, Office through LibreOffice when installed) and the
article splitter of the regulations library (章/节/条 of Chinese regulations)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from django.utils.translation import gettext

from services.media.errors import MediaError

log = logging.getLogger(__name__)

PDF_MIME = "application/pdf"
# Office formats LibreOffice converts, with the extension it needs to pick the import filter.
OFFICE_EXTENSIONS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
OFFICE_BINARIES = ("soffice", "libreoffice")
PreviewFormat = Literal["PNG", "WEBP"]
# A preview page is at most this many times as tall as wide (long receipts, scrolls).
MAX_PAGE_ASPECT = 4
_PDFIUM_PASSWORD_ERROR = 4
# PDFium is not thread-safe; a threaded worker must not enter it twice at once.
_pdfium_lock = threading.Lock()


def render_preview(
    source: Path,
    mime: str,
    out_dir: Path,
    *,
    pages: int = 3,
    width: int = 1000,
    format: PreviewFormat = "PNG",
    timeout_seconds: float = 120,
) -> list[Path]:
    """Images of the first ``pages`` pages, ``width`` pixels wide: ``out_dir/page-001.png`` ….

    PDF directly; Office documents through ``soffice --convert-to pdf`` if LibreOffice is on PATH;
    ``[]`` otherwise (plain text, or no LibreOffice: the caller shows the extracted text).
    """
    mime = mime.split(";", 1)[0].strip().lower()
    if mime == PDF_MIME:
        return _render_pdf(source, out_dir, pages, width, format)
    extension = OFFICE_EXTENSIONS.get(mime)
    office = _office_binary()
    if extension is None or office is None:
        return []
    with tempfile.TemporaryDirectory(prefix="preview-") as scratch:
        pdf = _office_to_pdf(office, source, extension, Path(scratch), timeout_seconds)
        return _render_pdf(pdf, out_dir, pages, width, format)


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF; ``media.not_document`` / ``media.encrypted_document`` if unreadable."""
    with _pdfium_lock:
        document = _open_pdf(pdf)
        try:
            return len(document)
        finally:
            document.close()


def _render_pdf(source: Path, out_dir: Path, pages: int, width: int, format: PreviewFormat) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = []
    with _pdfium_lock:
        document = _open_pdf(source)
        try:
            for index in range(min(pages, len(document))):
                page = document[index]
                try:
                    page_width, page_height = page.get_size()
                    scale = min(width / page_width, MAX_PAGE_ASPECT * width / page_height)
                    image = page.render(scale=scale).to_pil()
                finally:
                    page.close()
                path = out_dir / f"page-{index + 1:03d}.{format.lower()}"
                image.save(path, format=format)
                rendered.append(path)
        except pdfium.PdfiumError as error:
            log.info("PDF %s could not be rendered: %s", source.name, error)
            raise _not_document() from error
        finally:
            document.close()
    return rendered


def _open_pdf(path: Path) -> Any:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        log.info("PDF %s could not be opened: %s", path.name, error)
        if error.err_code == _PDFIUM_PASSWORD_ERROR:
            raise MediaError("media.encrypted_document", gettext("The document is protected by a password.")) from error
        raise _not_document() from error


def _office_binary() -> str | None:
    return next((found for name in OFFICE_BINARIES if (found := shutil.which(name))), None)


def _office_to_pdf(office: str, source: Path, extension: str, scratch: Path, timeout_seconds: float) -> Path:
    """Headless LibreOffice with a throw-away profile (parallel conversions lock a shared one)."""
    document = scratch / f"document{extension}"
    shutil.copyfile(source, document)
    command = [
        office,
        f"-env:UserInstallation={(scratch / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(scratch / "out"),
        str(document),
    ]
    # Its own process group: ``soffice`` is a launcher, the work happens in a child that must die too.
    process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=timeout_seconds)
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        log.error("LibreOffice timed out converting %s", source.name)
        raise MediaError("media.timeout", gettext("Processing the file took too long.")) from error
    pdf = scratch / "out" / "document.pdf"
    if process.returncode != 0 or not pdf.is_file():
        log.error(
            "LibreOffice could not convert %s (exit %s): %s",
            source.name,
            process.returncode,
            output.decode(errors="replace")[-2000:],
        )
        raise MediaError("media.preview_failed", gettext("No preview could be made of this document."))
    return pdf


def _not_document() -> MediaError:
    return MediaError("media.not_document", gettext("The document could not be read."))


# --- regulations: 编/章/节/条 ------------------------------------------------------------------


@dataclass
class Article:
    """One 条 of a regulation. ``number`` as written without spaces ("第一条", or "序言" for the text
    before the first article); ``heading`` the 编/章/节 it falls under, outermost first joined by
    " / " ("第二编 分则 / 第六章 对违反政治纪律行为的处分"); ``text`` the body without the number."""

    number: str
    heading: str | None
    text: str


PREAMBLE = "序言"
_SPACE = r"[ \t\u3000\xa0]"
_NUMERAL = r"[一二三四五六七八九十百零〇两\d]+"
# After "第X条" these mean the line *mentions* an article ("第三十条规定的…") instead of starting one.
_MENTION = r"(?![的、，,。；;至到和或及与中所规第款项之（(])"
_ARTICLE_LINE = re.compile(
    rf"^{_SPACE}*(第{_SPACE}*{_NUMERAL}{_SPACE}*条(?:之[一二三四五六七八九十]+)?){_MENTION}(.*)$"
)
_HEADING_LINE = re.compile(rf"^{_SPACE}*(第{_SPACE}*{_NUMERAL}{_SPACE}*([编章节])){_MENTION}(.*)$")
_HEADING_LEVELS = {"编": 0, "章": 1, "节": 2}
_MAX_HEADING_TITLE = 40
_SPACES = re.compile(rf"{_SPACE}+")
_CJK_GAP = re.compile(rf"(?<=[\u3400-\u9fff]){_SPACE}+(?=[\u3400-\u9fff])")


def split_articles(text: str) -> list[Article]:
    """Split a regulation into articles at lines that *start* with 第…条 (a 条 mentioned inside a
    sentence stays text), remembering the 编/章/节 headings; text before the first article becomes
    an article numbered ``PREAMBLE`` when there is any."""
    articles: list[Article] = []
    headings: list[str | None] = [None, None, None]
    preamble: list[str] = []
    current: tuple[str, str | None, list[str]] | None = None
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip(" \t\u3000\xa0")
        if not line:
            continue
        heading = _heading(line)
        if heading is not None:
            level, title = heading
            headings[level:] = [title] + [None] * (len(headings) - level - 1)
            continue
        article = _ARTICLE_LINE.match(line)
        if article is None:
            (current[2] if current is not None else preamble).append(line)
            continue
        if current is not None:
            articles.append(_article(*current))
        elif preamble:
            articles.append(Article(PREAMBLE, None, "\n".join(preamble)))
        number = _SPACES.sub("", article.group(1))
        body = article.group(2).strip(" \t\u3000\xa0")
        current = (number, " / ".join(h for h in headings if h) or None, [body] if body else [])
    if current is not None:
        articles.append(_article(*current))
    elif preamble:
        articles.append(Article(PREAMBLE, None, "\n".join(preamble)))
    return articles


def _heading(line: str) -> tuple[int, str] | None:
    """(level, "第一章 总则") for a 编/章/节 heading line: short, not a sentence."""
    match = _HEADING_LINE.match(line)
    if match is None:
        return None
    title = _CJK_GAP.sub("", match.group(3).strip(" \t\u3000\xa0"))
    if len(title) > _MAX_HEADING_TITLE or title.endswith(("。", "；", ";", "，", ",")):
        return None
    label = _SPACES.sub("", match.group(1))
    return _HEADING_LEVELS[match.group(2)], f"{label} {title}" if title else label


def _article(number: str, heading: str | None, lines: list[str]) -> Article:
    return Article(number, heading, "\n".join(lines))
