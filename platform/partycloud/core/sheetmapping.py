"""Recognising the columns of the sheets people actually have, for every import.

An import describes its columns once, as data: a JSON *sheet table* (see
``tenants/members/member_sheet.json``) with one entry per field — its key, the template's
header, whether it is required, the header variants other systems export and the value
variants of its choices — plus headers that are always ignored (序号). ``load_sheet_table``
reads it; adding a field is adding one entry.

``read_sheet`` then finds the header row (title rows above it are common), assigns each
sheet column to a field — the mapping the user sent, else what this tenant (or the group,
on the public schema) chose by hand before, else the table's headers and variants — and
returns the rows keyed by field. When a required field has no column it raises
``MappingRequired`` carrying a proposal (columns, preview rows, proposed field per column,
missing fields) that the client shows as a column-mapping step and answers with ``mapping``
{sheet column → field key | "ignore"}.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from partycloud.core.errors import CoreCode, ServiceError
from partycloud.core.models import SheetColumnChoice
from partycloud.core.spreadsheets import RowErrors, SpreadsheetError, clean, parse_partial_date, read_cells

IGNORE = "ignore"
HEADER_SCAN_ROWS = 10  # title rows above the header: a few at most
PREVIEW_ROWS = 5
_DECORATION = re.compile(r"[\s*＊:：]|[(（](必填|选填)[)）]")


def normalize_header(text: Any) -> str:
    """身份证号码 *、'身份证号码（必填）' and ' 身份证号码 ' are the same column."""
    return _DECORATION.sub("", unicodedata.normalize("NFKC", clean(text))).lower()


@dataclass(frozen=True)
class SheetField:
    key: str
    header: str  # as the template writes it; also the column name in errors when the sheet lacks it
    required: bool = False
    type: str = "text"  # text | date | partial_date (a year and month will do) | choice
    synonyms: tuple[str, ...] = ()
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # choice code → variants
    in_template: bool = True

    def parse(self, value: Any) -> Any:
        """The cell as the import uses it; ValueError with the message for the user."""
        text = clean(value)
        if self.required and not text:
            raise ValueError(_("Required."))
        if self.type in {"date", "partial_date"}:
            try:
                parsed, whole = parse_partial_date(value)
            except ValueError:
                raise ValueError(_("Not a date: %(value)s") % {"value": text}) from None
            if not whole and self.type == "date":
                raise ValueError(_("Write the whole date, with the day: %(value)s") % {"value": text})
            return (parsed, whole) if self.type == "partial_date" else parsed
        if self.type == "choice" and text:
            code = self.choice(text)
            if code is None:
                raise ValueError(
                    _("Choose one of: %(options)s") % {"options": "、".join(v[0] for v in self.values.values())}
                )
            return code
        return text

    @cached_property
    def _codes(self) -> dict[str, str]:
        """Normalized variant (and the code itself) → code, built once: it is asked for every cell."""
        codes = {code.lower(): code for code in self.values}
        for code, variants in self.values.items():
            codes.update({normalize_header(variant): code for variant in variants})
        return codes

    def choice(self, text: str) -> str | None:
        """The code of a choice cell (variants, the code itself); None when not recognised."""
        return self._codes.get(normalize_header(text))


@dataclass(frozen=True)
class SheetTable:
    """The fields one import understands (loaded from its JSON data file)."""

    kind: str
    fields: tuple[SheetField, ...]
    ignored: frozenset[str] = frozenset()

    def field(self, key: str) -> SheetField:
        return next(f for f in self.fields if f.key == key)

    def recognise(self, header: str) -> str | None:
        wanted = normalize_header(header)
        if wanted in self.ignored:
            return IGNORE
        for sheet_field in self.fields:
            if wanted in {normalize_header(h) for h in (sheet_field.header, *sheet_field.synonyms)}:
                return sheet_field.key
        return None


def load_sheet_table(path: Path) -> SheetTable:
    data = json.loads(path.read_text(encoding="utf-8"))
    return SheetTable(
        kind=data["kind"],
        fields=tuple(
            SheetField(
                key=entry["key"],
                header=entry["header"],
                required=entry.get("required", False),
                type=entry.get("type", "text"),
                in_template=entry.get("template", True),
                synonyms=tuple(entry.get("synonyms", ())),
                values={code: tuple(variants) for code, variants in entry.get("values", {}).items()},
            )
            for entry in data["fields"]
        ),
        ignored=frozenset(normalize_header(h) for h in data.get("ignore", ())),
    )


@dataclass
class SheetRows:
    """An upload read against a sheet table."""

    table: SheetTable
    header_row: int
    columns: list[str]  # the sheet's own headers, in order (blank ones named 第N列)
    blank_columns: set[str]  # columns without a header: nothing to remember them by
    assignment: dict[str, str]  # sheet column → field key or IGNORE
    raw: list[tuple[int, dict[str, Any]]]  # row number → {sheet column: cell}

    def parsed_rows(self, errors: RowErrors) -> list[tuple[int, dict[str, Any]]]:
        """Rows of parsed values by field key; each bad cell is an error on its row and column."""
        fields = [(column, self.table.field(key)) for column, key in self.assignment.items() if key != IGNORE]
        parsed = []
        for number, row in self.raw:
            values: dict[str, Any] = {}
            for column, sheet_field in fields:
                try:
                    values[sheet_field.key] = sheet_field.parse(row.get(column))
                except ValueError as error:
                    errors.add(number, column, str(error))
            parsed.append((number, values))
        return parsed

    def has(self, key: str) -> bool:
        return key in self.assignment.values()

    def column_of(self, key: str) -> str:
        """Where to report a problem with a field: its column in this sheet, else the template's header."""
        for column, assigned in self.assignment.items():
            if assigned == key:
                return column
        return self.table.field(key).header

    @property
    def unknown_columns(self) -> list[str]:
        """Columns ignored because nothing recognised them (not those always ignored, like 序号)."""
        return [
            column
            for column in self.columns
            if self.assignment[column] == IGNORE and normalize_header(column) not in self.table.ignored
        ]

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self.assignment)


class MappingRequired(ServiceError):
    """Required fields have no column: the client shows the proposal as a column-mapping step."""

    def __init__(self, proposal: dict[str, Any]):
        self.proposal = proposal
        labels = "、".join(item["header"] for item in proposal["missing"])
        super().__init__(
            CoreCode.SHEETS_MAPPING_REQUIRED,
            _("Some required columns were not recognised (%(fields)s). Choose a field for each column.")
            % {"fields": labels},
            "mapping",
            extra={"proposal": proposal},
        )


def remembered_choices(kind: str) -> dict[str, str]:
    """Normalized header → field key chosen by hand before (in the current schema)."""
    return dict(SheetColumnChoice.objects.filter(kind=kind).values_list("header", "field"))


def _find_header_row(raw_rows: list[list[Any]], table: SheetTable, remembered: Mapping[str, str]) -> int:
    """Index of the row that names the most known fields among the first rows; else the first non-empty."""
    best, best_score = None, 0
    for index, row in enumerate(raw_rows[:HEADER_SCAN_ROWS]):
        score = sum(
            1
            for cell in row
            if clean(cell) and (normalize_header(cell) in remembered or table.recognise(clean(cell)) is not None)
        )
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        return best
    return next((i for i, row in enumerate(raw_rows) if any(clean(cell) for cell in row)), 0)


def _column_names(header: list[Any]) -> tuple[list[str], set[str]]:
    names: list[str] = []
    blank: set[str] = set()
    for position, cell in enumerate(header, start=1):
        name = clean(cell) or _("Column %(number)d") % {"number": position}
        while name in names:  # two columns with one header: keep both, distinguishable
            name = f"{name} ({position})"
        names.append(name)
        if not clean(cell):
            blank.add(name)
    return names, blank


def _check_mapping(table: SheetTable, columns: list[str], mapping: Mapping[str, str]) -> None:
    keys = {f.key for f in table.fields}
    seen: dict[str, str] = {}
    for column, key in mapping.items():
        if column not in columns:
            raise ServiceError(
                CoreCode.SHEETS_MAPPING_UNKNOWN_COLUMN,
                _("The sheet has no column %(column)s.") % {"column": column},
                "mapping",
            )
        if key != IGNORE and key not in keys:
            raise ServiceError(
                CoreCode.SHEETS_MAPPING_UNKNOWN_FIELD, _("There is no field %(field)s.") % {"field": key}, "mapping"
            )
        if key != IGNORE and key in seen:
            raise ServiceError(
                CoreCode.SHEETS_MAPPING_DUPLICATE_FIELD,
                _("Columns %(first)s and %(second)s are both mapped to %(field)s.")
                % {"first": seen[key], "second": column, "field": table.field(key).header},
                "mapping",
            )
        seen[key] = column


def _assign(
    table: SheetTable, columns: list[str], remembered: Mapping[str, str], mapping: Mapping[str, str]
) -> dict[str, str]:
    """Each column's field: the user's mapping, else a remembered choice, else the table; a field once."""
    assignment: dict[str, str] = {}
    taken = {key for key in mapping.values() if key != IGNORE}
    for column in columns:
        if column in mapping:
            assignment[column] = mapping[column]
            continue
        key = remembered.get(normalize_header(column)) or table.recognise(column) or IGNORE
        if key != IGNORE and (key in taken or key not in {f.key for f in table.fields}):
            key = IGNORE
        assignment[column] = key
        if key != IGNORE:
            taken.add(key)
    return assignment


def proposal(sheet: SheetRows) -> dict[str, Any]:
    """What the client needs for a column-mapping step."""
    present = set(sheet.assignment.values())
    return {
        "header_row": sheet.header_row,
        "columns": [{"column": column, "field": sheet.assignment[column]} for column in sheet.columns],
        "preview": [[clean(row[column]) for column in sheet.columns] for _, row in sheet.raw[:PREVIEW_ROWS]],
        "fields": [{"key": f.key, "header": f.header, "required": f.required} for f in sheet.table.fields],
        "missing": [
            {"key": f.key, "header": f.header} for f in sheet.table.fields if f.required and f.key not in present
        ],
    }


def read_sheet(
    content: bytes,
    filename: str,
    table: SheetTable,
    mapping: Mapping[str, str] | None = None,
    *,
    first_rows_only: bool = False,
) -> SheetRows:
    """The upload's rows keyed by field; ``MappingRequired`` when a required field has no column.
    ``first_rows_only``: just enough rows for the header and the preview (checking an upload).

    Raises ``SpreadsheetError`` when the file itself cannot be read.
    """
    raw_rows = read_cells(content, filename, HEADER_SCAN_ROWS + PREVIEW_ROWS if first_rows_only else None)
    remembered = remembered_choices(table.kind)
    index = _find_header_row(raw_rows, table, remembered)
    columns, blank = _column_names(raw_rows[index])
    mapping = dict(mapping or {})
    _check_mapping(table, columns, mapping)
    rows = []
    for number, raw in enumerate(raw_rows[index + 1 :], start=index + 2):
        if all(clean(cell) == "" for cell in raw):
            continue
        rows.append((number, {column: raw[i] if i < len(raw) else None for i, column in enumerate(columns)}))
    sheet = SheetRows(table, index + 1, columns, blank, _assign(table, columns, remembered, mapping), rows)
    if any(f.required and not sheet.has(f.key) for f in table.fields):
        raise MappingRequired(proposal(sheet))
    return sheet


def check_columns(content: bytes, filename: str, table: SheetTable) -> dict[str, Any]:
    """The mapping step for an upload whether or not it needs one: the person asked to check the
    columns before importing (a remembered or recognised column may still be the wrong one)."""
    try:
        return proposal(read_sheet(content, filename, table, first_rows_only=True))
    except MappingRequired as error:
        return error.proposal
    except SpreadsheetError as error:
        raise ServiceError(
            CoreCode.SHEETS_UNREADABLE,
            _("This file cannot be read. Upload an .xlsx or .csv file made from the template."),
            "file",
        ) from error


def remember_mapping(sheet: SheetRows, mapping: Mapping[str, str]) -> None:
    """Keep the columns a person mapped by hand, to propose them first next time (this schema only)."""
    for column, key in mapping.items():
        if column not in sheet.blank_columns:
            SheetColumnChoice.objects.update_or_create(
                kind=sheet.table.kind, header=normalize_header(column), defaults={"field": key}
            )


def parse_mapping(value: Any) -> dict[str, str] | None:
    """The ``mapping`` form field: a JSON object {sheet column: field key | "ignore"}; absent → None."""
    if value in (None, ""):
        return None
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()):
        raise ServiceError(
            CoreCode.SHEETS_MAPPING_INVALID,
            _('The mapping must be a JSON object {"sheet column": "field" or "ignore"}.'),
            "mapping",
        )
    return parsed


__all__ = [
    "IGNORE",
    "MappingRequired",
    "SheetField",
    "SheetRows",
    "SheetTable",
    "SpreadsheetError",
    "check_columns",
    "load_sheet_table",
    "normalize_header",
    "parse_mapping",
    "read_sheet",
    "remember_mapping",
]
