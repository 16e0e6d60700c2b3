import { describe, expect, it } from 'vitest';

import {
  bookScore,
  byArea,
  centsText,
  checkWeights,
  indicatorScore,
  parseDecimal,
  ruleProblem,
  toCents,
  type RuleLike,
} from './scoring';

const graded: RuleLike = {
  weight: '30',
  scoring: 'graded',
  levels: [
    { label: '优秀', fraction: '1' },
    { label: '良好', fraction: '0.8' },
    { label: '一般', fraction: '0.55' },
    { label: '差', fraction: '0' },
  ],
};

describe('decimals', () => {
  it('parses exactly, without floats', () => {
    expect(parseDecimal('0.1')).toEqual({ units: 1n, scale: 1 });
    expect(toCents('33.33')).toBe(3333n);
    expect(toCents(12.5)).toBe(1250n);
    expect(toCents('1.005')).toBeNull();
    expect(toCents('1.500')).toBe(150n);
    expect(toCents('abc')).toBeNull();
    expect(toCents('')).toBeNull();
    expect(centsText(-5n)).toBe('-0.05');
  });
});

describe('checkWeights', () => {
  it('needs exactly 100: 0.1 + 0.2 style sums are exact', () => {
    const rows = [{ weight: '33.33' }, { weight: '33.33' }, { weight: '33.34' }];
    expect(checkWeights(rows, 20)).toMatchObject({ total: '100.00', ok: true, problem: null, overLimit: false });
  });

  it('says what is missing or over', () => {
    expect(checkWeights([{ weight: '40' }, { weight: '50' }])).toMatchObject({
      total: '90.00',
      remaining: '10.00',
      ok: false,
      problem: 'sum',
    });
    expect(checkWeights([{ weight: '60' }, { weight: '50' }])).toMatchObject({ remaining: '-10.00', problem: 'sum' });
  });

  it('refuses an empty list and a weight that is not a positive number', () => {
    expect(checkWeights([]).problem).toBe('empty');
    expect(checkWeights([{ weight: '100' }, { weight: '0' }]).problem).toBe('badWeight');
    expect(checkWeights([{ weight: '' }, { weight: '100' }]).problem).toBe('badWeight');
  });

  it('warns above the limit but still allows publishing', () => {
    const rows = Array.from({ length: 5 }, () => ({ weight: '20' }));
    expect(checkWeights(rows, 4)).toMatchObject({ ok: true, overLimit: true, count: 5, limit: 4 });
    expect(checkWeights(rows, 5).overLimit).toBe(false);
    expect(checkWeights(rows, null).overLimit).toBe(false);
  });
});

describe('ruleProblem', () => {
  it('mirrors check_rule', () => {
    expect(ruleProblem({ weight: '10', scoring: 'binary' })).toBeNull();
    expect(ruleProblem({ weight: '0', scoring: 'binary' })).toBe('weight');
    expect(ruleProblem({ weight: '101', scoring: 'binary' })).toBe('weight');
    expect(ruleProblem(graded)).toBeNull();
    expect(ruleProblem({ ...graded, levels: [{ label: 'a', fraction: '1' }] })).toBe('levels');
    expect(
      ruleProblem({
        ...graded,
        levels: [
          { label: 'a', fraction: '1.2' },
          { label: 'b', fraction: '0' },
        ],
      }),
    ).toBe('levelFraction');
    expect(ruleProblem({ weight: '10', scoring: 'count', target: 0 })).toBe('target');
    expect(ruleProblem({ weight: '10', scoring: 'count', target: 12 })).toBeNull();
  });
});

describe('scores', () => {
  it('binary, graded and count, rounded half up to cents', () => {
    expect(indicatorScore({ weight: '25', scoring: 'binary' }, { done: true })).toBe('25.00');
    expect(indicatorScore({ weight: '25', scoring: 'binary' }, { done: false })).toBe('0.00');
    expect(indicatorScore(graded, { level: 1 })).toBe('24.00');
    expect(indicatorScore(graded, { level: 2 })).toBe('16.50');
    expect(indicatorScore({ weight: '10', scoring: 'count', target: 3 }, { count: 1 })).toBe('3.33');
    expect(indicatorScore({ weight: '10', scoring: 'count', target: 3 }, { count: 2 })).toBe('6.67');
    expect(indicatorScore({ weight: '10', scoring: 'count', target: 3 }, { count: 9 })).toBe('10.00');
    // 0.125 → 0.13 (half up, not banker's rounding).
    expect(indicatorScore({ weight: '0.25', scoring: 'count', target: 2 }, { count: 1 })).toBe('0.13');
  });

  it('scores nothing when not assessed, and refuses a value that does not fit', () => {
    expect(indicatorScore(graded, null)).toBe('0.00');
    expect(indicatorScore(graded, { level: 7 })).toBe('');
    expect(indicatorScore(graded, { done: true })).toBe('');
    expect(indicatorScore({ weight: '10', scoring: 'count', target: 3 }, { count: -1 })).toBe('');
  });

  it('the book is the sum of the shown (rounded) scores', () => {
    const third = { weight: '10', scoring: 'count', target: 3 } as RuleLike;
    const items = [
      { rule: third, value: { count: 1 } },
      { rule: third, value: { count: 1 } },
      { rule: third, value: { count: 1 } },
    ];
    // 3.33 × 3, not 10 × 1/3 × 3.
    expect(bookScore(items)).toBe('9.99');
  });

  it('is monotone in the value and within [0, weight]', () => {
    const rule: RuleLike = { weight: '17.5', scoring: 'count', target: 7 };
    let previous = -1;
    for (let count = 0; count <= 10; count += 1) {
      const score = Number(indicatorScore(rule, { count }));
      expect(score).toBeGreaterThanOrEqual(previous);
      expect(score).toBeLessThanOrEqual(17.5);
      previous = score;
    }
  });
});

describe('byArea', () => {
  it('groups in the order areas first appear, with their weight', () => {
    const rows = [
      { area: '政治建设', weight: '20' },
      { area: '组织建设', weight: '30' },
      { area: '政治建设 ', weight: '15.5' },
    ];
    expect(byArea(rows).map((group) => [group.area, group.rows.length, group.weight])).toEqual([
      ['政治建设', 2, '35.50'],
      ['组织建设', 1, '30.00'],
    ]);
  });
});
