/**
 * The group's organizational-life table: one row per subsidiary, one column per kind, each cell
 * `held / expected` in the chosen period (or the whole year) coloured by its verdict and rate —
 * green: met; amber: missed but ≥ 80 % held; red: less; blue: the period is still open (pending,
 * never a failure); none: nothing due — and the row's overall rate.
 */
import type { GroupCell, GroupKind, GroupMeetingsCompliance, GroupPeriod, Verdict } from '@/api/meetingsGroup';

export type RateLevel = 'green' | 'amber' | 'red' | 'pending' | 'none';

/** At or above this share of the expected activities a missed cell is amber rather than red. */
export const AMBER_FROM = 0.8;

/** Held against expected with the verdict, for one kind over one or more periods. */
export interface Tally {
  held: number;
  expected: number;
  verdict: Verdict;
}

/** held / expected, capped at 1 (extra meetings of a kind do not make up for another); null when none expected. */
export function rateOf(tally: Pick<Tally, 'held' | 'expected'> | null | undefined): number | null {
  if (!tally || !(tally.expected > 0)) return null;
  return Math.min(1, Math.max(0, tally.held) / tally.expected);
}

export function levelOf(tally: Tally | null | undefined): RateLevel {
  if (!tally || tally.verdict === 'not_applicable' || !(tally.expected > 0)) return 'none';
  if (tally.verdict === 'met') return 'green';
  if (tally.verdict === 'pending') return 'pending';
  return (rateOf(tally) ?? 0) >= AMBER_FROM ? 'amber' : 'red';
}

/** `3 / 4`; `—` when nothing is due (or the kind does not apply). */
export function cellText(tally: Tally | null | undefined): string {
  if (!tally || tally.verdict === 'not_applicable' || (!tally.expected && !tally.held)) return '—';
  return `${tally.held} / ${tally.expected}`;
}

/** `75%` (whole percent, rounded down so that 99.6 % does not read as done); `—` for null. */
export function percentText(rate: number | null): string {
  return rate === null ? '—' : `${Math.floor(rate * 100 + 1e-9)}%`;
}

/**
 * Several periods' cells of one kind as one: the sums over the periods where the kind applies;
 * missing if any period missed, else pending if any is still open, else met.
 */
export function combine(cells: (GroupCell | Tally)[]): Tally {
  const counted = cells.filter((cell) => cell.verdict !== 'not_applicable');
  if (!counted.length) return { held: 0, expected: 0, verdict: 'not_applicable' };
  // Over several periods, one period's extra meetings do not make up for another's missing one:
  // each counts at most what it required (an open period's too), so the text agrees with the colour.
  const cap = counted.length > 1;
  const held = counted.reduce(
    (sum, cell) => sum + (cap && cell.expected ? Math.min(cell.held, cell.expected) : cell.held),
    0,
  );
  const expected = counted.reduce((sum, cell) => sum + cell.expected, 0);
  const verdicts = new Set(counted.map((cell) => cell.verdict));
  const verdict: Verdict = verdicts.has('missing') ? 'missing' : verdicts.has('pending') ? 'pending' : 'met';
  return { held, expected, verdict };
}

/** The tallies by kind code in `period` (null: the whole year, the periods combined). */
export function talliesOf(periods: GroupPeriod[], period: string | null): Record<string, Tally> {
  const chosen = period === null ? periods : periods.filter((item) => item.period === period);
  const byKind: Record<string, GroupCell[]> = {};
  for (const item of chosen) for (const cell of item.cells) (byKind[cell.kind] ??= []).push(cell);
  return Object.fromEntries(Object.entries(byKind).map(([kind, cells]) => [kind, combine(cells)]));
}

export interface TableCell {
  text: string;
  rate: number | null;
  level: RateLevel;
  verdict: Verdict;
}

export interface TableRow {
  id: number;
  name: string;
  cells: Record<string, TableCell>;
  /** Held over expected summed over the kinds due (each capped at its expected count). */
  total: TableCell;
}

const NONE: Tally = { held: 0, expected: 0, verdict: 'not_applicable' };

function cellOf(tally: Tally): TableCell {
  return { text: cellText(tally), rate: rateOf(tally), level: levelOf(tally), verdict: tally.verdict };
}

function rowOf(id: number, name: string, tallies: Record<string, Tally>, kinds: GroupKind[]): TableRow {
  const cells: Record<string, TableCell> = {};
  const capped: Tally[] = [];
  for (const kind of kinds) {
    const tally = tallies[kind.code] ?? NONE;
    cells[kind.code] = cellOf(tally);
    capped.push({ ...tally, held: Math.min(tally.held, tally.expected) });
  }
  return { id, name, cells, total: cellOf(combine(capped)) };
}

/** The subsidiaries' rows (by name, pinyin order) for `period` (null: the whole year). */
export function tableRows(data: GroupMeetingsCompliance | null | undefined, period: string | null): TableRow[] {
  if (!data) return [];
  return data.tenants
    .map((tenant) => rowOf(tenant.id, tenant.name, talliesOf(tenant.periods, period), data.kinds))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** The group's own row: its totals for `period`. */
export function groupRow(data: GroupMeetingsCompliance | null | undefined, period: string | null, name: string) {
  return data ? rowOf(0, name, talliesOf(data.group, period), data.kinds) : null;
}

/** The kinds due somewhere (a column of dashes says nothing), 三会一课 first. */
export function shownKinds(data: GroupMeetingsCompliance | null | undefined): GroupKind[] {
  if (!data) return [];
  const due = new Set<string>();
  for (const tenant of data.tenants)
    for (const item of tenant.periods)
      for (const cell of item.cells)
        if (cell.verdict !== 'not_applicable' && (cell.expected || cell.held)) due.add(cell.kind);
  const shown = data.kinds.filter((kind) => due.has(kind.code));
  return [...shown.filter((kind) => kind.three_one), ...shown.filter((kind) => !kind.three_one)];
}

/** Sort by a column's rate (null: the total), lowest first; cells with nothing due last. */
export function byRate(key: string | null): (a: TableRow, b: TableRow) => number {
  return (a, b) => {
    const left = key ? a.cells[key]?.rate : a.total.rate;
    const right = key ? b.cells[key]?.rate : b.total.rate;
    return (left ?? 2) - (right ?? 2);
  };
}

/** The Element Plus tag type of a drill-down verdict. */
export function verdictTag(verdict: Verdict): 'success' | 'danger' | 'info' | 'warning' | 'primary' {
  return ({ met: 'success', missing: 'danger', pending: 'primary', not_applicable: 'info' } as const)[verdict];
}
