import type { IndicatorValue, RuleLike } from './scoring';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** A value as text: 已完成 / 良好 / 3 / 5 (未评 when there is none). */
export function valueText(rule: RuleLike, value: IndicatorValue | null | undefined, t: Translate): string {
  if (!value) return t('taskBooks.value.notAssessed');
  if ('done' in value) return value.done ? t('taskBooks.value.done') : t('taskBooks.value.notDone');
  if ('level' in value) return rule.levels?.[value.level]?.label ?? String(value.level);
  if ('count' in value) return t('taskBooks.value.ofTarget', { count: value.count, target: rule.target ?? '' });
  return '';
}

/** A platform figure as `92%（46 / 50）`; '' without one. */
export function measuredText(
  measured:
    { value?: string | number | null; numerator?: number | null; denominator?: number | null } | null | undefined,
  t: Translate,
): string {
  if (!measured || measured.value === null || measured.value === undefined) return '';
  // Nothing was due (0 of 0): not a rate of 0 %.
  if (measured.denominator === 0) return t('taskBooks.measured.nothingDue');
  const percent = `${(Number(measured.value) * 100).toFixed(1).replace(/\.0$/, '')}%`;
  if (measured.numerator === null || measured.numerator === undefined) return percent;
  return t('taskBooks.measured.figure', {
    percent,
    numerator: measured.numerator,
    denominator: measured.denominator ?? '',
  });
}
