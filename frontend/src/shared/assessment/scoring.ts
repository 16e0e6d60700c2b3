/**
 * Task-book arithmetic for the UI (工作任务书, DOMAIN_RULES §11), the same as the server's
 * `tenants/assessment/scoring.py`: an indicator earns `weight × fraction` rounded half-up to
 * cents, the fraction coming from its scoring rule (binary done / graded level / count over the
 * target, at most 1); a book's score is the sum of its indicators' rounded scores; weights sum to
 * exactly 100 to publish or issue; above the indicator limit the editor warns (精简指标) but
 * does not refuse. Decimal strings are handled as exact integers (hundredths), never floats.
 */

export type ScoringKind = 'binary' | 'graded' | 'count';

/** A graded level, best first: `fraction` is a decimal string between 0 and 1. */
export interface Level {
  label: string;
  fraction: string;
}

/** What the scoring needs of an indicator (template, book or cascade row). */
export interface RuleLike {
  weight: string | number | null | undefined;
  scoring: ScoringKind | string;
  levels?: readonly Level[] | null;
  target?: number | null;
}

/** binary `{done}`, graded `{level}` (index, best first), count `{count}`. */
export type IndicatorValue = { done: boolean } | { level: number } | { count: number };

/** An exact decimal as numerator / 10^scale. */
interface Exact {
  units: bigint;
  scale: number;
}

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/** Parse a decimal string or number exactly; null when it is not a plain decimal. */
export function parseDecimal(value: string | number | null | undefined): Exact | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (/e/i.test(text)) return null;
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign = '', whole = '', decimals = ''] = match;
  if (!whole && !decimals) return null;
  const units = BigInt(`${whole || '0'}${decimals}`) * (sign === '-' ? -1n : 1n);
  return { units, scale: decimals.length };
}

/** The value in hundredths, or null when it has more than two decimals or is not a number. */
export function toCents(value: string | number | null | undefined): bigint | null {
  const exact = parseDecimal(value);
  if (!exact) return null;
  if (exact.scale <= 2) return exact.units * 10n ** BigInt(2 - exact.scale);
  const factor = 10n ** BigInt(exact.scale - 2);
  return exact.units % factor === 0n ? exact.units / factor : null;
}

/** `12.5` → "12.50"; hundredths to a two-decimal string. */
export function centsText(cents: bigint): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  const whole = absolute / 100n;
  const rest = String(absolute % 100n).padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${rest}`;
}

/** Round half up (away from zero for the non-negative values scores are) `numerator / denominator`. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) return 0n;
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  return remainder * 2n >= denominator ? quotient + 1n : quotient;
}

/** The sum of the weights in hundredths (a weight that is not a number counts as nothing). */
export function weightTotalCents(rows: readonly Pick<RuleLike, 'weight'>[]): bigint {
  return rows.reduce((total, row) => total + (toCents(row.weight) ?? 0n), 0n);
}

export type WeightProblem = 'empty' | 'sum' | 'badWeight';

export interface WeightCheck {
  /** The sum as a two-decimal string ("100.00"). */
  total: string;
  /** What is left to reach 100 (negative: over), two decimals. */
  remaining: string;
  /** Exactly 100 with every weight a number above 0 with at most two decimals. */
  ok: boolean;
  /** Why it cannot be published / issued (null when ok). */
  problem: WeightProblem | null;
  /** More indicators than the limit: a warning (精简指标), publishing still allowed. */
  overLimit: boolean;
  count: number;
  limit: number | null;
}

/** The weight-sum check and the limit warning of an editor's indicators. */
export function checkWeights(rows: readonly Pick<RuleLike, 'weight'>[], limit?: number | null): WeightCheck {
  const total = weightTotalCents(rows);
  const badWeight = rows.some((row) => {
    const cents = toCents(row.weight);
    return cents === null || cents <= 0n || cents > 10000n;
  });
  const problem: WeightProblem | null = !rows.length
    ? 'empty'
    : badWeight
      ? 'badWeight'
      : total !== 10000n
        ? 'sum'
        : null;
  return {
    total: centsText(total),
    remaining: centsText(10000n - total),
    ok: problem === null,
    problem,
    overLimit: limit !== null && limit !== undefined && limit > 0 && rows.length > limit,
    count: rows.length,
    limit: limit ?? null,
  };
}

export type RuleProblem = 'weight' | 'levels' | 'levelFraction' | 'levelLabel' | 'target' | 'scoring';

/** What is wrong with one indicator's rule (the server's `check_rule`), or null. */
export function ruleProblem(rule: RuleLike): RuleProblem | null {
  const weight = toCents(rule.weight);
  if (weight === null || weight <= 0n || weight > 10000n) return 'weight';
  if (rule.scoring === 'graded') {
    const levels = rule.levels ?? [];
    if (levels.length < 2) return 'levels';
    for (const level of levels) {
      if (!level.label?.trim()) return 'levelLabel';
      const fraction = parseDecimal(level.fraction);
      if (!fraction || fraction.units < 0n || fraction.units > 10n ** BigInt(fraction.scale)) return 'levelFraction';
    }
    return null;
  }
  if (rule.scoring === 'count')
    return rule.target && rule.target >= 1 && Number.isInteger(rule.target) ? null : 'target';
  return rule.scoring === 'binary' ? null : 'scoring';
}

/** The fraction achieved as an exact ratio (numerator, denominator); null: the value does not fit. */
export function fractionOf(rule: RuleLike, value: IndicatorValue | null | undefined): [bigint, bigint] | null {
  if (value === null || value === undefined) return [0n, 1n];
  if (rule.scoring === 'binary') {
    if (!('done' in value) || typeof value.done !== 'boolean') return null;
    return [value.done ? 1n : 0n, 1n];
  }
  if (rule.scoring === 'graded') {
    if (!('level' in value) || !Number.isInteger(value.level)) return null;
    const level = rule.levels?.[value.level];
    const exact = level ? parseDecimal(level.fraction) : null;
    if (!exact || value.level < 0) return null;
    return [exact.units, 10n ** BigInt(exact.scale)];
  }
  if (rule.scoring === 'count') {
    if (!('count' in value) || !Number.isInteger(value.count) || value.count < 0 || !rule.target) return null;
    const count = BigInt(Math.min(value.count, rule.target));
    return [count, BigInt(rule.target)];
  }
  return null;
}

/** The indicator's score in hundredths (weight × fraction, half-up); null when it cannot be scored. */
export function indicatorScoreCents(rule: RuleLike, value: IndicatorValue | null | undefined): bigint | null {
  const weight = toCents(rule.weight);
  const fraction = fractionOf(rule, value);
  if (weight === null || !fraction) return null;
  return roundHalfUp(weight * fraction[0], fraction[1]);
}

/** The indicator's score as a two-decimal string ("" when it cannot be scored). */
export function indicatorScore(rule: RuleLike, value: IndicatorValue | null | undefined): string {
  const cents = indicatorScoreCents(rule, value);
  return cents === null ? '' : centsText(cents);
}

/** The book's score: the sum of the indicators' rounded scores (what the breakdown shows adds up). */
export function bookScore(items: readonly { rule: RuleLike; value: IndicatorValue | null | undefined }[]): string {
  return centsText(items.reduce((total, item) => total + (indicatorScoreCents(item.rule, item.value) ?? 0n), 0n));
}

/** A value that fits nothing yet: the input's starting point for a rule. */
export function emptyValue(scoring: ScoringKind | string): IndicatorValue | null {
  if (scoring === 'binary') return { done: false };
  if (scoring === 'count') return { count: 0 };
  return null;
}

/** The usual levels of a new graded indicator (优秀/良好/一般/差). */
export function defaultLevels(labels: readonly string[]): Level[] {
  const fractions = ['1', '0.8', '0.6', '0'];
  return labels.slice(0, 4).map((label, index) => ({ label, fraction: fractions[index] ?? '0' }));
}

/** Group rows by `area` keeping the first appearance's order (the editors show areas as sections). */
export function byArea<T extends { area: string; weight: RuleLike['weight'] }>(
  rows: readonly T[],
): { area: string; rows: T[]; weight: string }[] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = row.area.trim();
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.entries()].map(([area, list]) => ({
    area,
    rows: list,
    weight: centsText(weightTotalCents(list)),
  }));
}
