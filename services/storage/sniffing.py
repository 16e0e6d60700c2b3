"""What a file really is (from its bytes, not its name) and the text inside documents.

Types come from the first bytes (the ``filetype`` package); OOXML documents (docx, xlsx,
pptx) are zip files told apart by their parts; plain text is whatever decodes as UTF-8
without control characters. Text is extracted from PDF (pypdf), DOCX (python-docx),
XLSX (openpyxl, read-only), PPTX (the slides' XML) and TXT, up to a cap.
"""

from __future__ import annotations

import codecs
import html
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import filetype  # type: ignore[import-untyped]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEXT = "text/plain"
ZIP = "application/zip"
OCTET_STREAM = "application/octet-stream"
OOXML = frozenset({DOCX, XLSX, PPTX})

# File name extensions and the type each one claims.
EXTENSION_TYPES: dict[str, str] = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".txt": TEXT,
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".zip": ZIP,
}
# Other spellings of the same type (browsers and operating systems disagree).
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-pdf": PDF,
    "video/x-m4v": "video/mp4",
    "video/mkv": "video/x-matroska",
    "audio/x-m4a": "audio/mp4",
    "application/x-zip-compressed": ZIP,
}
# Media whose containers overlap (mp4/mov/m4v, jpeg/png declared for one another) agree by
# their top-level type; everything else must match exactly.
_LOOSE_FAMILIES = frozenset({"image", "video", "audio"})

# Decompressed size beyond which a zip is treated as a bomb, not a document.
MAX_UNCOMPRESSED = 1024 * 1024 * 1024


class UnreadableDocument(Exception):
    """A document whose text cannot be read (corrupt, encrypted, a zip bomb)."""


def normalize_type(value: str) -> str:
    """``"Image/JPG; charset=x"`` → ``"image/jpeg"``."""
    base = value.split(";", 1)[0].strip().lower()
    return _ALIASES.get(base, base)


def type_of_extension(filename: str) -> str | None:
    return EXTENSION_TYPES.get(os.path.splitext(filename)[1].lower())


def family(content_type: str) -> str:
    content_type = normalize_type(content_type)
    top = content_type.split("/", 1)[0]
    return top if top in _LOOSE_FAMILIES else content_type


def same_family(declared: str, detected: str) -> bool:
    return family(declared) == family(detected)


def _looks_like_text(head: bytes, *, final: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=final)
    except UnicodeDecodeError:
        return False
    return _clean_text(text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _clean_text(text: str) -> bool:
    return _CONTROL.search(text) is None


def sniff(head: bytes, *, total_size: int, local_file: Callable[[], Path]) -> str:
    """The real type of a file from its first bytes (``head``); ``local_file()`` gives the whole
    file on disk when the head is not enough (zips, and text, which must decode throughout)."""
    kind = filetype.guess(head)
    mime = normalize_type(kind.mime) if kind is not None else None
    if mime in OOXML or mime == ZIP or (mime is None and head.startswith(b"PK\x03\x04")):
        return ooxml_type(local_file())
    if mime is not None:
        return mime
    if not head:
        return OCTET_STREAM
    if total_size <= len(head):
        return TEXT if _looks_like_text(head, final=True) else OCTET_STREAM
    if not _looks_like_text(head, final=False):
        return OCTET_STREAM
    return TEXT if is_utf8_text(local_file()) else OCTET_STREAM


def is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as file:
            for chunk in iter(lambda: file.read(1024 * 1024), b""):
                if not _clean_text(decoder.decode(chunk)):
                    return False
            return _clean_text(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


def ooxml_type(path: Path) -> str:
    """docx, xlsx or pptx by their parts (and ``[Content_Types].xml``); otherwise a plain zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return ZIP
            declared = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError):
        return OCTET_STREAM
    for mime, part, main in (
        (DOCX, "word/document.xml", "wordprocessingml.document.main+xml"),
        (XLSX, "xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
        (PPTX, "ppt/presentation.xml", "presentationml.presentation.main+xml"),
    ):
        if part in names and main in declared:
            return mime
    return ZIP


# ---------------------------------------------------------------------------- text


class _Collector:
    """Gathers text pieces up to ``limit`` characters."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pieces: list[str] = []
        self.length = 0

    @property
    def full(self) -> bool:
        return self.length >= self.limit

    def add(self, text: str | None) -> None:
        if not text or self.full:
            return
        text = text[: self.limit - self.length]
        self.pieces.append(text)
        self.length += len(text) + 1

    def text(self) -> str:
        return "\n".join(self.pieces)[: self.limit]


def extract_text(path: Path, content_type: str, *, limit: int) -> str:
    """The text of a document (at most ``limit`` characters); "" for types without text."""
    collector = _Collector(limit)
    extractor = _EXTRACTORS.get(normalize_type(content_type))
    if extractor is None:
        return ""
    try:
        if content_type in OOXML:
            _check_zip(path)
        for piece in extractor(path):
            collector.add(piece)
            if collector.full:
                break
    except UnreadableDocument:
        raise
    except Exception as error:  # parsers raise anything on malformed input
        raise UnreadableDocument(str(error)) from error
    return collector.text()


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
            raise UnreadableDocument("decompresses to more than 1 GiB")


def _pdf_text(path: Path) -> Iterator[str]:
    # Imported on demand: each document library loads only when a file of its kind arrives.
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnreadableDocument("encrypted")
    for page in reader.pages:
        yield page.extract_text()


def _docx_text(path: Path) -> Iterator[str]:
    # Imported on demand: each document library loads only when a file of its kind arrives.
    import docx

    document = docx.Document(str(path))
    # Headers and footers first: that is where a classification stamp usually sits.
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                yield paragraph.text
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield "\t".join(cell.text for cell in row.cells)


def _xlsx_text(path: Path) -> Iterator[str]:
    # Imported on demand: each document library loads only when a file of its kind arrives.
    from openpyxl import load_workbook

    # A file object: given a path, openpyxl insists on an .xlsx name.
    with open(path, "rb") as file:
        yield from _workbook_text(load_workbook(file, read_only=True, data_only=True))


def _workbook_text(workbook: Any) -> Iterator[str]:
    try:
        for sheet in workbook.worksheets:
            yield sheet.title
            for row in sheet.iter_rows(values_only=True):
                values = [str(value) for value in row if value is not None]
                if values:
                    yield "\t".join(values)
    finally:
        workbook.close()


# Text runs of DrawingML (<a:t>…</a:t>), read with a regular expression: no XML parser (and
# none of its entity expansion) ever sees the uploaded file.
_DRAWING_TEXT = re.compile(r"<a:t(?:\s[^>]*)?>(.*?)</a:t>", re.DOTALL)
_SLIDE = re.compile(r"^ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml$")


def _pptx_text(path: Path) -> Iterator[str]:
    with zipfile.ZipFile(path) as archive:
        slides = sorted(
            (name for name in archive.namelist() if _SLIDE.match(name)),
            key=lambda name: (int(_SLIDE.match(name).group(2)), name),  # type: ignore[union-attr]
        )
        for name in slides:
            xml = archive.read(name).decode("utf-8", "replace")
            yield " ".join(html.unescape(run) for run in _DRAWING_TEXT.findall(xml))


def _plain_text(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as file:
        yield from iter(lambda: file.read(1024 * 1024), "")


_EXTRACTORS: dict[str, Callable[[Path], Iterator[str]]] = {
    PDF: _pdf_text,
    DOCX: _docx_text,
    XLSX: _xlsx_text,
    PPTX: _pptx_text,
    TEXT: _plain_text,
}
