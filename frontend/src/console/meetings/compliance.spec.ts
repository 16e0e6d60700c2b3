import { describe, expect, it } from 'vitest';

import type { Compliance, Verdict } from '@/api/meetings';

import {
  VERDICT_CLASS,
  cellFor,
  cellText,
  cellTooltip,
  complianceCsv,
  periodLabel,
  periodParts,
  verdictCounts,
} from './compliance';

const REASON = '第二季度未召开支部党员大会（规则 2018.1：每季度至少 1 次）';
const DATA: Compliance = {
  rule_versions: [],
  periods: [
    { key: '2026-Q1', start: '2026-01-01', end: '2026-03-31' },
    { key: '2026-Q2', start: '2026-04-01', end: '2026-06-30' },
  ],
  rows: [
    {
      organization: { id: 1, name: '第一支部', kind: 'branch' },
      kind: { id: 1, code: 'general_meeting', name: '支部党员大会' },
      cells: [
        { period: '2026-Q2', expected: 1, held: 0, verdict: 'missing', reason: REASON, rule_version: '2018.1' },
        { period: '2026-Q1', expected: 1, held: 2, verdict: 'met', reason: '', rule_version: '2018.1' },
      ],
    },
    {
      organization: { id: 1, name: '第一支部', kind: 'branch' },
      kind: { id: 2, code: 'committee_meeting', name: '支委会, "月度"' },
      cells: [
        { period: '2026-Q1', expected: 0, held: 0, verdict: 'not_applicable', reason: '', rule_version: '2018.1' },
        { period: '2026-Q2', expected: 3, held: 1, verdict: 'pending', reason: '', rule_version: '2018.1' },
      ],
    },
  ],
};
const label = (v: Verdict) => ({ met: '达标', missing: '未达标', pending: '未到期', not_applicable: '不适用' })[v];

describe('cells', () => {
  it('say held/expected, and a dash where the kind does not apply', () => {
    expect(cellText({ expected: 1, held: 0, verdict: 'missing' })).toBe('0/1');
    expect(cellText({ expected: 1, held: 2, verdict: 'met' })).toBe('2/1');
    expect(cellText({ expected: 3, held: 1, verdict: 'pending' })).toBe('1/3');
    expect(cellText({ expected: 0, held: 0, verdict: 'not_applicable' })).toBe('—');
  });

  it('have one colour class per verdict', () => {
    expect(new Set(Object.values(VERDICT_CLASS)).size).toBe(4);
    expect(VERDICT_CLASS.met).toBe('pc-cell--met');
  });

  it('explain themselves with the reason naming the rule, else the verdict', () => {
    expect(cellTooltip({ reason: REASON, verdict: 'missing' }, label)).toBe(REASON);
    expect(cellTooltip({ reason: '  ', verdict: 'pending' }, label)).toBe('未到期');
  });

  it('are found by period whatever their order', () => {
    expect(cellFor(DATA.rows[0]!, '2026-Q1')?.verdict).toBe('met');
    expect(cellFor(DATA.rows[0]!, '2026-Q3')).toBeUndefined();
  });

  it('are counted per verdict', () => {
    expect(verdictCounts(DATA)).toEqual({ met: 1, missing: 1, pending: 1, not_applicable: 1 });
  });
});

describe('periods', () => {
  it('parse month, quarter and year keys', () => {
    expect(periodParts('2026-05')).toEqual({ granularity: 'month', year: 2026, index: 5 });
    expect(periodParts('2026-Q2')).toEqual({ granularity: 'quarter', year: 2026, index: 2 });
    expect(periodParts('2026')).toEqual({ granularity: 'year', year: 2026, index: 0 });
    expect(periodParts('2026-13')).toBeNull();
    expect(periodParts('Q2')).toBeNull();
  });

  it('are labelled in Chinese first, English by locale', () => {
    expect(periodLabel({ key: '2026-Q2' }, 'zh-CN')).toBe('第二季度');
    expect(periodLabel({ key: '2026-05' }, 'zh-CN')).toBe('5月');
    expect(periodLabel({ key: '2026' }, 'zh-CN')).toBe('2026年');
    expect(periodLabel({ key: '2026-Q4' }, 'en')).toBe('Q4');
    expect(periodLabel({ key: '2026-05' }, 'en')).toBe('May');
    expect(periodLabel({ key: 'odd' }, 'en')).toBe('odd');
  });
});

describe('complianceCsv', () => {
  it('writes a BOM, the header, one line per row with quoted fields and the missing reasons', () => {
    const csv = complianceCsv(DATA, {
      organization: '组织',
      kind: '类型',
      reasons: '原因',
      period: (p) => periodLabel(p, 'zh-CN'),
      verdict: label,
    });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '组织,类型,第一季度,第二季度,原因',
      `第一支部,支部党员大会,2/1 达标,0/1 未达标,${REASON}`,
      '第一支部,"支委会, ""月度""",— 不适用,1/3 未到期,',
      '',
    ]);
  });
});
