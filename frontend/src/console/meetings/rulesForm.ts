/**
 * A tenant's local rule version (类型与规则): which version is in force, the draft a new local
 * version starts from (a copy of the newest version's rows), the checks made before sending (the
 * server makes them again) and the body posted to `POST rules`.
 *
 * The server copies the newest version and applies the rows it is sent (`minimum: 0` drops a
 * kind). The body sends every row of the draft and drops the newest version's kinds the admin
 * removed, so the new version is exactly what the dialog showed.
 */
import type { AppliesTo, RuleBody, RulePeriod, RuleVersion, StatsCategory } from '@/api/meetings';

export const PERIODS: readonly RulePeriod[] = ['month', 'quarter', 'year'];
export const STATS_CATEGORIES: readonly StatsCategory[] = [
  'branch_day',
  'life_meeting',
  'democratic_evaluation',
  'study',
  'other',
];
export const APPLIES_TO: readonly AppliesTo[] = [
  'branch',
  'branch_with_committee',
  'party_group',
  'committee',
  'branch_pairs',
];
export const MAX_MINIMUM = 31;

export interface DraftRow {
  /** A key for the table (rows have no id of their own). */
  key: number;
  kind: number | null;
  period: RulePeriod;
  minimum: number;
  applies_to: AppliesTo;
}

export interface RuleDraft {
  version: string;
  effective_from: string;
  source: string;
  committee_threshold: number;
  rows: DraftRow[];
}

export type DraftField = 'version' | 'effective_from' | 'committee_threshold' | 'requirements';
export type DraftCheck =
  'required' | 'versionTaken' | 'beforeThisYear' | 'badThreshold' | 'rowKind' | 'duplicateKind' | 'badMinimum';

const pad = (n: number) => String(n).padStart(2, '0');
/** A local day as YYYY-MM-DD (what `effective_from` is). */
export const isoDay = (day: Date) => `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;

/** Newest first, as the server orders them: later `effective_from`, then the later id. */
export function newestFirst(rules: readonly RuleVersion[]): RuleVersion[] {
  return [...rules].sort((a, b) =>
    a.effective_from === b.effective_from ? b.id - a.id : a.effective_from < b.effective_from ? 1 : -1,
  );
}

export const newest = (rules: readonly RuleVersion[]): RuleVersion | null => newestFirst(rules)[0] ?? null;

/** The version in force on `today`: the newest with `effective_from` on or before it (null: none yet). */
export function inForce(rules: readonly RuleVersion[], today: Date = new Date()): RuleVersion | null {
  const day = isoDay(today);
  return newestFirst(rules).find((rule) => rule.effective_from <= day) ?? null;
}

let nextKey = 1;

export function blankRow(kind: number | null = null): DraftRow {
  return { key: nextKey++, kind, period: 'month', minimum: 1, applies_to: 'branch' };
}

/** A new local version: the newest version's rows copied, in force from today, named `<year>.本单位`-like by `name`. */
export function draftFrom(rules: readonly RuleVersion[], today: Date = new Date(), name = ''): RuleDraft {
  const base = newest(rules);
  return {
    version: name,
    effective_from: isoDay(today),
    source: '',
    committee_threshold: base?.committee_threshold ?? 7,
    rows: (base?.requirements ?? []).map((row) => ({
      key: nextKey++,
      kind: row.kind,
      period: row.period,
      minimum: row.minimum,
      applies_to: row.applies_to,
    })),
  };
}

/** The rows as the table marks them: `new` (a kind the newest version does not have), `changed` or `same`. */
export function rowState(row: DraftRow, rules: readonly RuleVersion[]): 'new' | 'changed' | 'same' {
  const before = newest(rules)?.requirements.find((requirement) => requirement.kind === row.kind);
  if (!before) return 'new';
  const same = before.period === row.period && before.minimum === row.minimum && before.applies_to === row.applies_to;
  return same ? 'same' : 'changed';
}

/** The newest version's kinds the draft no longer has (they are dropped with `minimum: 0`). */
export function droppedKinds(draft: RuleDraft, rules: readonly RuleVersion[]): number[] {
  const kept = new Set(draft.rows.map((row) => row.kind));
  return (newest(rules)?.requirements ?? []).map((row) => row.kind).filter((kind) => !kept.has(kind));
}

/** What is wrong before sending (the first problem of each field). */
export function checkDraft(
  draft: RuleDraft,
  rules: readonly RuleVersion[],
  today: Date = new Date(),
): { field: DraftField; check: DraftCheck }[] {
  const problems: { field: DraftField; check: DraftCheck }[] = [];
  const version = draft.version.trim();
  if (!version) problems.push({ field: 'version', check: 'required' });
  else if (rules.some((rule) => rule.version === version)) problems.push({ field: 'version', check: 'versionTaken' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.effective_from)) problems.push({ field: 'effective_from', check: 'required' });
  else if (draft.effective_from < `${today.getFullYear()}-01-01`)
    problems.push({ field: 'effective_from', check: 'beforeThisYear' });
  const threshold = draft.committee_threshold;
  if (!Number.isInteger(threshold) || threshold < 3 || threshold > 1000)
    problems.push({ field: 'committee_threshold', check: 'badThreshold' });
  const seen = new Set<number>();
  for (const row of draft.rows) {
    let check: DraftCheck | null = null;
    if (row.kind === null) check = 'rowKind';
    else if (seen.has(row.kind)) check = 'duplicateKind';
    else if (!Number.isInteger(row.minimum) || row.minimum < 1 || row.minimum > MAX_MINIMUM) check = 'badMinimum';
    if (row.kind !== null) seen.add(row.kind);
    if (check) {
      problems.push({ field: 'requirements', check });
      break;
    }
  }
  return problems;
}

/** The body of `POST rules`: every row of the draft, and `minimum: 0` for each kind removed. */
export function ruleBody(draft: RuleDraft, rules: readonly RuleVersion[]): RuleBody {
  const base = newest(rules);
  const requirements: RuleBody['requirements'] = draft.rows
    .filter((row): row is DraftRow & { kind: number } => row.kind !== null)
    .map((row) => ({ kind: row.kind, period: row.period, minimum: row.minimum, applies_to: row.applies_to }));
  for (const kind of droppedKinds(draft, rules)) {
    const before = base!.requirements.find((row) => row.kind === kind)!;
    requirements.push({ kind, period: before.period, minimum: 0, applies_to: before.applies_to });
  }
  return {
    version: draft.version.trim(),
    effective_from: draft.effective_from,
    source: draft.source.trim(),
    committee_threshold: draft.committee_threshold,
    requirements,
  };
}
