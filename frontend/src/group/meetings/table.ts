/**
 * The group's organizational-life table: one row per subsidiary, one column per kind, each cell
 * `held / expected` coloured by the rate (green: everything held, amber: most, red: less; no
 * colour when nothing was expected), and the row's overall rate.
 */
import type { GroupMeetingsCompliance, HeldExpected, KindColumn, Verdict } from '@/api/meetingsGroup';

export type RateLevel = 'green' | 'amber' | 'red' | 'none';

/** At or above this share of the expected activities a cell is amber rather than red. */
export const AMBER_FROM = 0.8;

/** held / expected, capped at 1 (more meetings than required do not make up for another kind); null when none expected. */
export function rateOf(cell: HeldExpected | null | undefined): number | null {
  if (!cell || !(cell.expected > 0)) return null;
  return Math.min(1, Math.max(0, cell.held) / cell.expected);
}

export function levelOf(rate: number | null): RateLevel {
  if (rate === null) return 'none';
  if (rate >= 1) return 'green';
  return rate >= AMBER_FROM ? 'amber' : 'red';
}

/** `3 / 4`; `—` when nothing was expected and nothing held; `2 / 0` when held without a requirement. */
export function cellText(cell: HeldExpected | null | undefined): string {
  if (!cell || (!cell.expected && !cell.held)) return '—';
  return `${cell.held} / ${cell.expected}`;
}

/** `75%` (whole percent, rounded down so that 99.6 % does not read as done); `—` for null. */
export function percentText(rate: number | null): string {
  return rate === null ? '—' : `${Math.floor(rate * 100 + 1e-9)}%`;
}

export interface TableCell {
  text: string;
  rate: number | null;
  level: RateLevel;
}

export interface TableRow {
  id: number;
  name: string;
  cells: Record<string, TableCell>;
  /** Held over expected summed over the kinds (each capped at its expected count). */
  total: TableCell;
}

function cellOf(value: HeldExpected | undefined): TableCell {
  const rate = rateOf(value);
  return { text: cellText(value), rate, level: levelOf(rate) };
}

/** The rows of the table from the API's answer, by subsidiary name (pinyin order). */
export function tableRows(data: GroupMeetingsCompliance | null | undefined): TableRow[] {
  if (!data) return [];
  const rows = data.tenants.map((row) => {
    const cells: Record<string, TableCell> = {};
    let held = 0;
    let expected = 0;
    for (const kind of data.kinds) {
      const value = row.kinds[kind.code];
      cells[kind.code] = cellOf(value);
      if (value && value.expected > 0) {
        expected += value.expected;
        held += Math.min(value.held, value.expected);
      }
    }
    return { id: row.tenant.id, name: row.tenant.name, cells, total: cellOf({ held, expected }) };
  });
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** The kinds with something expected or held somewhere: a column of dashes says nothing. */
export function shownKinds(data: GroupMeetingsCompliance | null | undefined): KindColumn[] {
  if (!data) return [];
  return data.kinds.filter((kind) =>
    data.tenants.some((row) => {
      const value = row.kinds[kind.code];
      return !!value && (value.expected > 0 || value.held > 0);
    }),
  );
}

/** Sort by a column's rate, the cells without a requirement last. */
export function byRate(key: string | null): (a: TableRow, b: TableRow) => number {
  return (a, b) => {
    const left = key ? a.cells[key]?.rate : a.total.rate;
    const right = key ? b.cells[key]?.rate : b.total.rate;
    return (left ?? 2) - (right ?? 2);
  };
}

/** The Element Plus tag type of a drill-down verdict. */
export function verdictTag(verdict: Verdict): 'success' | 'danger' | 'info' | 'warning' {
  return ({ met: 'success', missing: 'danger', pending: 'warning', not_applicable: 'info' } as const)[verdict];
}
