/** Formatting, sorting and layout of the dashboard's figures (pure functions, unit tested). */
import type { DashboardFigure, FigureValues, OrganizationRow } from './types';

/** Where a KPI card leads: a tab of the dashboard (the table sorted by a figure, a trend, the
 * compliance checks) or another page. */
export type KpiTarget =
  { tab: 'tenants'; sort: string } | { tab: 'trends'; chart: string } | { tab: 'compliance' } | { route: string };

/** The KPI cards: a headline figure, the figures shown under it, and where a click leads. */
export interface KpiCard {
  key: string;
  main: string;
  extra: string[];
  target: KpiTarget;
}

export const KPI_CARDS: KpiCard[] = [
  {
    key: 'members',
    main: 'members',
    extra: ['full', 'probationary', 'women_share'],
    target: { tab: 'trends', chart: 'members' },
  },
  {
    key: 'organizations',
    main: 'organizations',
    extra: ['branches'],
    target: { tab: 'tenants', sort: 'organizations' },
  },
  { key: 'pipeline', main: 'pipeline', extra: [], target: { tab: 'tenants', sort: 'pipeline' } },
  { key: 'transfers', main: 'transfers_pending', extra: ['transfers_overdue'], target: { tab: 'compliance' } },
  { key: 'pockets', main: 'pockets', extra: [], target: { route: 'pocket-members' } },
  {
    key: 'dues',
    main: 'dues_assessed',
    extra: ['dues_paid', 'arrears_rate'],
    target: { tab: 'trends', chart: 'dues' },
  },
  {
    key: 'learning',
    main: 'active_learners',
    extra: ['study_minutes', 'resources'],
    target: { tab: 'trends', chart: 'study' },
  },
  { key: 'reelections', main: 'reelections_due', extra: ['reelections_overdue'], target: { tab: 'compliance' } },
  // Live lessons ended in the month: member-lessons present ÷ expected (tenants.live.rollups).
  {
    key: 'live',
    main: 'live_attendance_rate',
    extra: ['live_lessons'],
    target: { tab: 'tenants', sort: 'live_attendance_rate' },
  },
];

/** The per-unit table's column groups (header bands), in this order. */
export const TABLE_GROUPS: { key: string; figures: string[] }[] = [
  { key: 'members', figures: ['members', 'full', 'probationary', 'women_share'] },
  { key: 'organizations', figures: ['organizations', 'branches', 'reelections_due', 'reelections_overdue'] },
  { key: 'development', figures: ['pipeline'] },
  { key: 'transfers', figures: ['transfers_pending', 'transfers_overdue', 'pockets'] },
  { key: 'dues', figures: ['dues_assessed', 'dues_paid', 'arrears_rate'] },
  { key: 'learning', figures: ['active_learners', 'study_minutes', 'resources'] },
  { key: 'live', figures: ['live_lessons', 'live_attendance_rate'] },
];

/** The API's figures under their table group; a figure no group names (a later module's)
 * goes to an "other" group at the end, so no column is ever lost. */
export function tableGroups<T extends { key: string }>(figures: T[]): { key: string; figures: T[] }[] {
  const byKey = new Map(figures.map((figure) => [figure.key, figure]));
  const placed = new Set(TABLE_GROUPS.flatMap((group) => group.figures));
  const groups = TABLE_GROUPS.map((group) => ({
    key: group.key,
    figures: group.figures.flatMap((key) => byKey.get(key) ?? []),
  })).filter((group) => group.figures.length > 0);
  const other = figures.filter((figure) => !placed.has(figure.key));
  return other.length ? [...groups, { key: 'other', figures: other }] : groups;
}

/** Runs of months where every line has no data ("无数据", drawn as a shaded gap): [first, last] periods. */
export function noDataRanges(periods: string[], lines: (number | null)[][]): [string, string][] {
  const ranges: [string, string][] = [];
  let start = -1;
  for (let index = 0; index <= periods.length; index++) {
    const empty = index < periods.length && lines.every((line) => line[index] === null || line[index] === undefined);
    if (empty && start < 0) start = index;
    if (!empty && start >= 0) {
      ranges.push([periods[start], periods[index - 1]]);
      start = -1;
    }
  }
  return ranges;
}

/** Figures that need attention when above zero (shown in red on the cards). */
export const ATTENTION = new Set(['transfers_overdue', 'reelections_overdue']);

/** The figures of the organization drill-down (own and subtree values). */
export const ORGANIZATION_FIGURES = [
  'members',
  'full',
  'probationary',
  'pipeline',
  'transfers_pending',
  'dues_assessed',
  'dues_paid',
  'arrears_rate',
  'active_learners',
  'study_minutes',
];

const EMPTY = '—';

/** `1,234`, `12.5%`, `¥1,234.50`; a dash for no value. `compact` (the table, whose header
 * names the unit): whole yuan without the sign. */
export function formatFigure(value: number | null | undefined, unit: string, compact = false): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  if (unit === '%') return `${Number(value.toFixed(1))}%`;
  if (unit === '¥' && compact) return Math.round(value).toLocaleString('zh-CN');
  if (unit === '¥') {
    return `¥${value.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
  return value.toLocaleString('zh-CN', { maximumFractionDigits: 1 });
}

/** The unit of a figure ('' when unknown). */
export function unitOf(figures: DashboardFigure[], key: string): string {
  return figures.find((figure) => figure.key === key)?.unit ?? '';
}

/** Ascending order of two figure values; missing values always sort last. */
export function compareValues(a: number | null | undefined, b: number | null | undefined): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  return a - b;
}

/** A comparator of rows by one figure (for el-table's sort-method). */
export function byFigure<T extends { figures: FigureValues }>(key: string): (a: T, b: T) => number {
  return (a, b) => compareValues(a.figures[key], b.figures[key]);
}

export type SortOrder = 'ascending' | 'descending' | null;

/**
 * Tenant rows sorted by `name` or `figures.<key>`; rows without a value stay last in both
 * directions (el-table's own sort would put them first when descending). No order: as given.
 */
export function sortRows<T extends { name: string; figures: FigureValues }>(
  rows: T[],
  prop: string,
  order: SortOrder,
): T[] {
  if (!order) return rows;
  const sign = order === 'ascending' ? 1 : -1;
  if (prop === 'name') return [...rows].sort((a, b) => sign * a.name.localeCompare(b.name, 'zh-CN'));
  const key = prop.replace(/^figures\./, '');
  return [...rows].sort((a, b) => {
    const x = a.figures[key];
    const y = b.figures[key];
    const xMissing = x === null || x === undefined;
    const yMissing = y === null || y === undefined;
    if (xMissing || yMissing) return compareValues(x, y);
    return sign * (x - y);
  });
}

/** "数据更新于 12 秒前": seconds → the largest whole unit. */
export function ageParts(seconds: number): { unit: 'seconds' | 'minutes' | 'hours' | 'days'; count: number } {
  const value = Math.max(0, Math.floor(seconds));
  if (value < 60) return { unit: 'seconds', count: value };
  if (value < 3600) return { unit: 'minutes', count: Math.floor(value / 60) };
  if (value < 86400) return { unit: 'hours', count: Math.floor(value / 3600) };
  return { unit: 'days', count: Math.floor(value / 86400) };
}

/** `YYYY-MM` of a date (the month picker's and the API's period). */
export function periodOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

export type OrganizationNode = OrganizationRow & { children?: OrganizationNode[] };

/** The organization rows (in tree order) as a tree for el-table; orphans become roots. */
export function organizationTree(rows: OrganizationRow[]): OrganizationNode[] {
  const nodes = new Map<number, OrganizationNode>(rows.map((row) => [row.id, { ...row }]));
  const roots: OrganizationNode[] = [];
  for (const row of rows) {
    const node = nodes.get(row.id)!;
    const parent = row.parent === null ? undefined : nodes.get(row.parent);
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}
