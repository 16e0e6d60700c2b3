/**
 * The compliance table's cells (organization × kind × period): colour, short text, tooltip,
 * period headers, counts per verdict, and the CSV export (what is on screen, Excel-readable).
 */
import type { Compliance, ComplianceCell, CompliancePeriod, Verdict } from '@/api/meetings';

export const VERDICTS: readonly Verdict[] = ['met', 'missing', 'pending', 'not_applicable'];

/** The CSS modifier of a verdict: green, red, amber, grey. */
export const VERDICT_CLASS: Record<Verdict, string> = {
  met: 'pc-cell--met',
  missing: 'pc-cell--missing',
  pending: 'pc-cell--pending',
  not_applicable: 'pc-cell--na',
};

/** The colour for legends and exports (Element Plus' success / danger / warning / info). */
export const VERDICT_COLOR: Record<Verdict, string> = {
  met: '#67c23a',
  missing: '#f56c6c',
  pending: '#e6a23c',
  not_applicable: '#c0c4cc',
};

/** What a cell says: `held/expected` ("1/1", "0/1"), "—" where the kind does not apply. */
export function cellText(cell: Pick<ComplianceCell, 'expected' | 'held' | 'verdict'>): string {
  if (cell.verdict === 'not_applicable') return '—';
  return `${cell.held}/${cell.expected}`;
}

/** The tooltip: the server's reason (naming the rule version), else the verdict's label. */
export function cellTooltip(cell: Pick<ComplianceCell, 'reason' | 'verdict'>, verdictLabel: (v: Verdict) => string) {
  return cell.reason.trim() || verdictLabel(cell.verdict);
}

export type PeriodParts =
  | { granularity: 'month'; year: number; index: number }
  | { granularity: 'quarter'; year: number; index: number }
  | { granularity: 'year'; year: number; index: 0 };

/** `2026-05` → month 5, `2026-Q2` → quarter 2, `2026` → the year; null for other keys. */
export function periodParts(key: string): PeriodParts | null {
  let match = /^(\d{4})-Q([1-4])$/.exec(key);
  if (match) return { granularity: 'quarter', year: Number(match[1]), index: Number(match[2]) };
  match = /^(\d{4})-(\d{2})$/.exec(key);
  if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12)
    return { granularity: 'month', year: Number(match[1]), index: Number(match[2]) };
  match = /^(\d{4})$/.exec(key);
  if (match) return { granularity: 'year', year: Number(match[1]), index: 0 };
  return null;
}

const ZH_QUARTERS = ['一', '二', '三', '四'];

/** A column header: 5月 / 第二季度 / 2026年 (zh), May / Q2 / 2026 (en); the key itself otherwise. */
export function periodLabel(period: Pick<CompliancePeriod, 'key'>, locale: string): string {
  const parts = periodParts(period.key);
  if (!parts) return period.key;
  const zh = locale.startsWith('zh');
  if (parts.granularity === 'month') {
    return zh
      ? `${parts.index}月`
      : new Date(Date.UTC(parts.year, parts.index - 1, 1)).toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  }
  if (parts.granularity === 'quarter') return zh ? `第${ZH_QUARTERS[parts.index - 1]}季度` : `Q${parts.index}`;
  return zh ? `${parts.year}年` : String(parts.year);
}

/** How many cells of each verdict (the summary above the table). */
export function verdictCounts(data: Pick<Compliance, 'rows'>): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { met: 0, missing: 0, pending: 0, not_applicable: 0 };
  for (const row of data.rows) for (const cell of row.cells) counts[cell.verdict] += 1;
  return counts;
}

/** The cell of `row` for `period` (cells may come in any order, some periods may lack one). */
export function cellFor(row: { cells: ComplianceCell[] }, period: string): ComplianceCell | undefined {
  return row.cells.find((cell) => cell.period === period);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The table as CSV (UTF-8 with a BOM so that Excel reads the Chinese): organization, kind, then
 * per period "held/expected verdict", and the reasons in a last column.
 */
export function complianceCsv(
  data: Pick<Compliance, 'rows' | 'periods'>,
  labels: {
    organization: string;
    kind: string;
    reasons: string;
    period: (p: CompliancePeriod) => string;
    verdict: (v: Verdict) => string;
  },
): string {
  const header = [labels.organization, labels.kind, ...data.periods.map(labels.period), labels.reasons];
  const lines = [header];
  for (const row of data.rows) {
    const cells = data.periods.map((period) => {
      const cell = cellFor(row, period.key);
      return cell ? `${cellText(cell)} ${labels.verdict(cell.verdict)}` : '';
    });
    const reasons = row.cells
      .filter((cell) => cell.verdict === 'missing' && cell.reason)
      .map((cell) => cell.reason)
      .join('；');
    lines.push([row.organization.name, row.kind.name, ...cells, reasons]);
  }
  return `\uFEFF${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}
