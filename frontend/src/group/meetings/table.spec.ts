import { describe, expect, it } from 'vitest';

import type { GroupMeetingsCompliance } from '@/api/meetingsGroup';

import {
  byRate,
  cellText,
  combine,
  groupRow,
  levelOf,
  percentText,
  rateOf,
  shownKinds,
  tableRows,
  talliesOf,
  verdictTag,
} from './table';

const cell = (
  kind: string,
  held: number,
  expected: number,
  verdict: 'met' | 'missing' | 'pending' | 'not_applicable',
) => ({
  kind,
  held,
  expected,
  verdict,
});

const data: GroupMeetingsCompliance = {
  year: 2026,
  period: 'quarter',
  periods: ['2026-Q1', '2026-Q2'],
  kinds: [
    { code: 'theme_day', label: '主题党日', three_one: false },
    { code: 'general_meeting', label: '支部党员大会', three_one: true },
    { code: 'heart_talk', label: '谈心谈话', three_one: false },
  ],
  tenants: [
    {
      id: 2,
      name: '乙公司党委',
      periods: [
        { period: '2026-Q1', cells: [cell('general_meeting', 2, 2, 'met'), cell('theme_day', 5, 6, 'missing')] },
        { period: '2026-Q2', cells: [cell('general_meeting', 0, 2, 'pending'), cell('theme_day', 1, 6, 'pending')] },
      ],
    },
    {
      id: 1,
      name: '甲公司党委',
      periods: [
        {
          period: '2026-Q1',
          cells: [
            cell('general_meeting', 3, 2, 'met'),
            cell('theme_day', 1, 6, 'missing'),
            cell('heart_talk', 0, 0, 'not_applicable'),
          ],
        },
        { period: '2026-Q2', cells: [cell('general_meeting', 2, 2, 'met'), cell('theme_day', 6, 6, 'met')] },
      ],
    },
  ],
  group: [
    { period: '2026-Q1', cells: [cell('general_meeting', 5, 4, 'missing'), cell('theme_day', 6, 12, 'missing')] },
    { period: '2026-Q2', cells: [cell('general_meeting', 2, 4, 'pending'), cell('theme_day', 7, 12, 'pending')] },
  ],
};

describe('the group’s organizational-life table', () => {
  it('computes the rate capped at 1, none without a requirement', () => {
    expect(rateOf({ held: 3, expected: 4 })).toBe(0.75);
    expect(rateOf({ held: 6, expected: 4 })).toBe(1);
    expect(rateOf({ held: 2, expected: 0 })).toBeNull();
    expect(rateOf(undefined)).toBeNull();
  });

  it('colours by verdict and rate: met green, an open period pending (never red), a miss amber from 80 %, else red', () => {
    expect(levelOf({ held: 2, expected: 2, verdict: 'met' })).toBe('green');
    expect(levelOf({ held: 0, expected: 2, verdict: 'pending' })).toBe('pending');
    expect(levelOf({ held: 4, expected: 5, verdict: 'missing' })).toBe('amber');
    expect(levelOf({ held: 3, expected: 5, verdict: 'missing' })).toBe('red');
    expect(levelOf({ held: 0, expected: 0, verdict: 'not_applicable' })).toBe('none');
    expect(levelOf(undefined)).toBe('none');
  });

  it('writes held / expected, a dash where nothing is due', () => {
    expect(cellText({ held: 3, expected: 4, verdict: 'missing' })).toBe('3 / 4');
    expect(cellText({ held: 0, expected: 0, verdict: 'not_applicable' })).toBe('—');
    expect(cellText({ held: 1, expected: 1, verdict: 'not_applicable' })).toBe('—');
    expect(cellText(undefined)).toBe('—');
  });

  it('rounds percentages down, so that nearly done is not shown as done', () => {
    expect(percentText(0.996)).toBe('99%');
    expect(percentText(1)).toBe('100%');
    expect(percentText(null)).toBe('—');
  });

  it('combines periods: sums where the kind applies; missing over pending over met', () => {
    expect(combine([cell('x', 2, 2, 'met'), cell('x', 0, 2, 'pending')])).toEqual({
      held: 2,
      expected: 4,
      verdict: 'pending',
    });
    expect(combine([cell('x', 1, 2, 'missing'), cell('x', 0, 2, 'pending')]).verdict).toBe('missing');
    expect(combine([cell('x', 2, 2, 'met'), cell('x', 9, 0, 'not_applicable')])).toEqual({
      held: 2,
      expected: 2,
      verdict: 'met',
    });
    expect(combine([])).toEqual({ held: 0, expected: 0, verdict: 'not_applicable' });
  });

  it('picks one period or the whole year', () => {
    const periods = data.tenants[0]!.periods;
    expect(talliesOf(periods, '2026-Q1').general_meeting).toEqual({ held: 2, expected: 2, verdict: 'met' });
    expect(talliesOf(periods, null).general_meeting).toEqual({ held: 2, expected: 4, verdict: 'pending' });
    expect(talliesOf(periods, '2025-Q4')).toEqual({});
  });

  it('builds rows by name with a total that extra meetings of one kind do not inflate', () => {
    const rows = tableRows(data, '2026-Q1');
    expect(rows.map((row) => row.name)).toEqual(['甲公司党委', '乙公司党委']);
    const [jia, yi] = rows;
    expect(jia!.cells.general_meeting).toEqual({ text: '3 / 2', rate: 1, level: 'green', verdict: 'met' });
    expect(jia!.cells.theme_day!.level).toBe('red');
    expect(jia!.cells.heart_talk).toEqual({ text: '—', rate: null, level: 'none', verdict: 'not_applicable' });
    expect(jia!.total).toMatchObject({ text: '3 / 8', level: 'red', verdict: 'missing' });
    expect(yi!.total).toMatchObject({ text: '7 / 8', level: 'amber' });
    expect(tableRows(null, null)).toEqual([]);
  });

  it('adds the group’s row from its totals', () => {
    // Over the year, the first quarter's extra meeting does not make up for the second's (5/4 → 4).
    expect(groupRow(data, null, '集团合计')!.cells.general_meeting).toMatchObject({
      text: '6 / 8',
      level: 'red',
      verdict: 'missing',
    });
    expect(groupRow(null, null, '集团合计')).toBeNull();
  });

  it('shows only the kinds due somewhere, 三会一课 first', () => {
    expect(shownKinds(data).map((kind) => kind.code)).toEqual(['general_meeting', 'theme_day']);
  });

  it('sorts by a column’s rate, lowest first, cells with nothing due last', () => {
    const rows = tableRows(data, '2026-Q1');
    expect([...rows].sort(byRate('theme_day')).map((row) => row.id)).toEqual([1, 2]);
    expect([...rows].sort(byRate('heart_talk')).map((row) => row.id)).toEqual([1, 2]);
    expect([...rows].sort(byRate(null)).map((row) => row.id)).toEqual([1, 2]);
  });

  it('gives each verdict its tag colour', () => {
    expect(verdictTag('met')).toBe('success');
    expect(verdictTag('missing')).toBe('danger');
    expect(verdictTag('pending')).toBe('primary');
    expect(verdictTag('not_applicable')).toBe('info');
  });
});
