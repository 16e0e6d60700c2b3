import type { WeightCheck } from './scoring';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** Why the weights keep a template or a cascade from being published / issued ('' when they don't). */
export function weightReason(check: WeightCheck, t: Translate): string {
  if (check.ok) return '';
  if (check.problem === 'empty') return t('taskBooks.weights.empty');
  if (check.problem === 'badWeight') return t('taskBooks.weights.badWeight');
  if (check.remaining.startsWith('-')) return t('taskBooks.weights.over', { over: check.remaining.slice(1) });
  return t('taskBooks.weights.sum', { remaining: check.remaining });
}

/** The 精简指标 warning above the limit ('' at or below it). */
export function limitWarning(check: WeightCheck, t: Translate): string {
  return check.overLimit ? t('taskBooks.weights.overLimit', { count: check.count, limit: check.limit }) : '';
}
