/**
 * A tenant's local version of the point rules (积分规则): which version is in force, the draft a
 * new local version starts from (a copy of the newest version's rows: points per unit of each
 * kind and its daily cap), the checks made before sending (the server makes them again) and the
 * body posted. Time kinds count seconds (240 = one point per 4 minutes); others count events (1).
 */

import { TIME_KINDS } from '../../api/points';

export interface RuleRow {
  kind: string;
  points: number;
  unit: number;
  daily_cap: number | null;
}

export interface RuleSetLike {
  id: number;
  version: string;
  effective_from: string;
  rules: readonly RuleRow[];
}

export interface DraftRule {
  kind: string;
  points: number;
  unit: number;
  /** null: no cap */
  daily_cap: number | null;
}

export interface PointsDraft {
  version: string;
  effective_from: string;
  source: string;
  rules: DraftRule[];
}

export interface PointsBody {
  version: string;
  effective_from: string;
  source: string;
  rules: RuleRow[];
}

export type DraftField = 'version' | 'effective_from' | 'rules';
export type DraftCheck =
  'required' | 'versionTaken' | 'beforeToday' | 'badPoints' | 'badUnitTime' | 'badUnit' | 'badCap';

export interface DraftProblem {
  field: DraftField;
  check: DraftCheck;
  /** the row's kind, for the rules' problems */
  kind?: string;
}

export const MAX_POINTS = 100;
export const MAX_CAP = 1000;

/** The unit's bounds (the server's): 60–3600 seconds for study time, 1–24 events or hours otherwise. */
export const unitBounds = (kind: string): [number, number] => (TIME_KINDS.has(kind) ? [60, 3600] : [1, 24]);

const pad = (n: number) => String(n).padStart(2, '0');
/** A local day as YYYY-MM-DD (what `effective_from` is). */
export const isoDay = (day: Date) => `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;

/** Newest first, as the server orders them: later `effective_from`, then the later id. */
export function newestFirst<T extends RuleSetLike>(sets: readonly T[]): T[] {
  return [...sets].sort((a, b) =>
    a.effective_from === b.effective_from ? b.id - a.id : a.effective_from < b.effective_from ? 1 : -1,
  );
}

/** The version in force on `today`: the newest with `effective_from` on or before it (null: none yet). */
export function inForce<T extends RuleSetLike>(sets: readonly T[], today: Date = new Date()): T | null {
  const day = isoDay(today);
  return newestFirst(sets).find((set) => set.effective_from <= day) ?? null;
}

/** A new local version: the newest version's rows copied (kinds in a stable order), in force from today. */
export function draftFrom(sets: readonly RuleSetLike[], today: Date = new Date(), name = ''): PointsDraft {
  const base = newestFirst(sets)[0];
  return {
    version: name,
    effective_from: isoDay(today),
    source: '',
    rules: (base?.rules ?? []).map((row) => ({
      kind: row.kind,
      points: row.points,
      unit: row.unit,
      daily_cap: row.daily_cap,
    })),
  };
}

const whole = (value: unknown, low: number, high: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high;

/** The first problem of a row, or null. */
export function checkRow(row: DraftRule): DraftCheck | null {
  if (!whole(row.points, 0, MAX_POINTS)) return 'badPoints';
  if (!whole(row.unit, ...unitBounds(row.kind))) return TIME_KINDS.has(row.kind) ? 'badUnitTime' : 'badUnit';
  if (row.daily_cap !== null && row.daily_cap !== undefined && !whole(row.daily_cap, 1, MAX_CAP)) return 'badCap';
  return null;
}

/** What is wrong before sending: the first problem of the name and of the day, and every bad row. */
export function checkDraft(draft: PointsDraft, sets: readonly RuleSetLike[], today: Date = new Date()): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const version = draft.version.trim();
  if (!version) problems.push({ field: 'version', check: 'required' });
  else if (sets.some((set) => set.version === version)) problems.push({ field: 'version', check: 'versionTaken' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.effective_from)) problems.push({ field: 'effective_from', check: 'required' });
  else if (draft.effective_from < isoDay(today)) problems.push({ field: 'effective_from', check: 'beforeToday' });
  for (const row of draft.rules) {
    const check = checkRow(row);
    if (check) problems.push({ field: 'rules', check, kind: row.kind });
  }
  return problems;
}

/** Whether a row differs from the newest version's row of its kind (the dialog marks it). */
export function rowChanged(row: DraftRule, sets: readonly RuleSetLike[]): boolean {
  const before = newestFirst(sets)[0]?.rules.find((rule) => rule.kind === row.kind);
  if (!before) return true;
  return before.points !== row.points || before.unit !== row.unit || before.daily_cap !== row.daily_cap;
}

/** The body posted: the draft trimmed, every row (an empty cap is null). */
export function pointsBody(draft: PointsDraft): PointsBody {
  return {
    version: draft.version.trim(),
    effective_from: draft.effective_from,
    source: draft.source.trim(),
    rules: draft.rules.map((row) => ({
      kind: row.kind,
      points: row.points,
      unit: row.unit,
      daily_cap: row.daily_cap ?? null,
    })),
  };
}

export type UnitKey = 'unitCount' | 'unitEvents' | 'unitSeconds' | 'unitMinutes' | 'unitHours';

/** How the unit reads: per event, or per n seconds / minutes / hours for time kinds. */
export function unitLabel(kind: string, unit: number): { key: UnitKey; n: number } {
  if (kind === 'volunteer_hours') return { key: 'unitHours', n: unit };
  if (!TIME_KINDS.has(kind)) return { key: unit === 1 ? 'unitCount' : 'unitEvents', n: unit };
  if (unit % 3600 === 0) return { key: 'unitHours', n: unit / 3600 };
  if (unit % 60 === 0) return { key: 'unitMinutes', n: unit / 60 };
  return { key: 'unitSeconds', n: unit };
}
