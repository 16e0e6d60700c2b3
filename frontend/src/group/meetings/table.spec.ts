import { describe, expect, it } from 'vitest';

import type { GroupMeetingsCompliance } from '@/api/meetingsGroup';

import { byRate, cellText, levelOf, percentText, rateOf, shownKinds, tableRows, verdictTag } from './table';

const data: GroupMeetingsCompliance = {
  year: 2026,
  period: 'quarter',
  kinds: [
    { code: 'general_meeting', name: '支部党员大会' },
    { code: 'committee_meeting', name: '支委会' },
    { code: 'heart_talk', name: '谈心谈话' },
  ],
  tenants: [
    {
      tenant: { id: 2, name: '乙公司党委' },
      kinds: { general_meeting: { held: 3, expected: 4 }, committee_meeting: { held: 12, expected: 12 } },
    },
    {
      tenant: { id: 1, name: '甲公司党委' },
      kinds: { general_meeting: { held: 6, expected: 4 }, committee_meeting: { held: 1, expected: 12 } },
    },
  ],
};

describe('the group’s organizational-life table', () => {
  it('computes the rate capped at 1, none without a requirement', () => {
    expect(rateOf({ held: 3, expected: 4 })).toBe(0.75);
    expect(rateOf({ held: 6, expected: 4 })).toBe(1);
    expect(rateOf({ held: 2, expected: 0 })).toBeNull();
    expect(rateOf(undefined)).toBeNull();
  });

  it('colours by the rate: green when all held, amber from 80 %, red below', () => {
    expect(levelOf(1)).toBe('green');
    expect(levelOf(0.8)).toBe('amber');
    expect(levelOf(0.79)).toBe('red');
    expect(levelOf(0)).toBe('red');
    expect(levelOf(null)).toBe('none');
  });

  it('writes held / expected, a dash for an empty cell', () => {
    expect(cellText({ held: 3, expected: 4 })).toBe('3 / 4');
    expect(cellText({ held: 0, expected: 0 })).toBe('—');
    expect(cellText({ held: 2, expected: 0 })).toBe('2 / 0');
    expect(cellText(undefined)).toBe('—');
  });

  it('rounds percentages down, so that nearly done is not shown as done', () => {
    expect(percentText(0.996)).toBe('99%');
    expect(percentText(1)).toBe('100%');
    expect(percentText(0.5)).toBe('50%');
    expect(percentText(null)).toBe('—');
  });

  it('builds rows by name with a total that extra meetings of one kind do not inflate', () => {
    const rows = tableRows(data);
    expect(rows.map((row) => row.name)).toEqual(['甲公司党委', '乙公司党委']);
    const [jia, yi] = rows;
    expect(jia.cells.general_meeting).toEqual({ text: '6 / 4', rate: 1, level: 'green' });
    expect(jia.cells.committee_meeting.level).toBe('red');
    expect(jia.cells.heart_talk).toEqual({ text: '—', rate: null, level: 'none' });
    expect(jia.total.text).toBe('5 / 16');
    expect(yi.total).toEqual({ text: '15 / 16', rate: 15 / 16, level: 'amber' });
    expect(tableRows(null)).toEqual([]);
  });

  it('shows only the kinds expected or held somewhere', () => {
    expect(shownKinds(data).map((kind) => kind.code)).toEqual(['general_meeting', 'committee_meeting']);
  });

  it('sorts by a column’s rate, lowest first, cells without a requirement last', () => {
    const rows = tableRows(data);
    expect([...rows].sort(byRate('committee_meeting')).map((row) => row.id)).toEqual([1, 2]);
    expect([...rows].sort(byRate('heart_talk')).map((row) => row.id)).toEqual([1, 2]);
    expect([...rows].sort(byRate(null)).map((row) => row.id)).toEqual([1, 2]);
  });

  it('gives each verdict its tag colour', () => {
    expect(verdictTag('met')).toBe('success');
    expect(verdictTag('missing')).toBe('danger');
    expect(verdictTag('pending')).toBe('warning');
    expect(verdictTag('not_applicable')).toBe('info');
  });
});
