import { describe, expect, it } from 'vitest';

import { checkDraft, checkRow, draftFrom, inForce, newestFirst, pointsBody, rowChanged, unitLabel } from './rulesForm';

const DEFAULT = {
  id: 1,
  version: '2019.1',
  effective_from: '2019-01-01',
  rules: [
    { kind: 'article_read', points: 1, unit: 1, daily_cap: 6 },
    { kind: 'reading_time', points: 1, unit: 240, daily_cap: 8 },
    { kind: 'meeting_attended', points: 5, unit: 1, daily_cap: null },
  ],
};
const LOCAL = {
  id: 2,
  version: '2026.本单位',
  effective_from: '2026-07-01',
  rules: [...DEFAULT.rules.slice(0, 2), { kind: 'meeting_attended', points: 3, unit: 1, daily_cap: 6 }],
};
const SETS = [DEFAULT, LOCAL];

describe('point rule versions', () => {
  it('finds the newest version and the one in force on a day', () => {
    expect(newestFirst(SETS).map((set) => set.id)).toEqual([2, 1]);
    expect(inForce(SETS, new Date(2026, 5, 30))?.id).toBe(1);
    expect(inForce(SETS, new Date(2026, 6, 1))?.id).toBe(2);
    expect(inForce(SETS, new Date(2018, 0, 1))).toBeNull();
    expect(inForce([LOCAL, { ...LOCAL, id: 3, version: 'again' }], new Date(2026, 7, 1))?.id).toBe(3);
  });

  it('reads units as events or durations', () => {
    expect(unitLabel('article_read', 1)).toEqual({ key: 'unitCount', n: 1 });
    expect(unitLabel('article_read', 3)).toEqual({ key: 'unitEvents', n: 3 });
    expect(unitLabel('reading_time', 240)).toEqual({ key: 'unitMinutes', n: 4 });
    expect(unitLabel('video_time', 3600)).toEqual({ key: 'unitHours', n: 1 });
    expect(unitLabel('video_time', 90)).toEqual({ key: 'unitSeconds', n: 90 });
    expect(unitLabel('volunteer_hours', 2)).toEqual({ key: 'unitHours', n: 2 });
  });
});

describe('a new local version', () => {
  const today = new Date(2026, 11, 7);

  it('starts from a copy of the newest version, in force from today, and passes the checks', () => {
    const draft = draftFrom(SETS, today, '2027.本单位');
    expect(draft.effective_from).toBe('2026-12-07');
    expect(draft.rules).toEqual(LOCAL.rules);
    draft.rules[0].points = 2;
    expect(LOCAL.rules[0].points).toBe(1); // a copy
    expect(checkDraft(draft, SETS, today)).toEqual([]);
    expect(draft.rules.map((row) => rowChanged(row, SETS))).toEqual([true, false, false]);
    expect(draftFrom([], today).rules).toEqual([]);
  });

  it('refuses an empty or taken name and a day before today', () => {
    const draft = draftFrom(SETS, today, ' 2019.1 ');
    draft.effective_from = '2026-12-06';
    expect(checkDraft(draft, SETS, today)).toEqual([
      { field: 'version', check: 'versionTaken' },
      { field: 'effective_from', check: 'beforeToday' },
    ]);
    draft.version = '   ';
    draft.effective_from = '';
    expect(checkDraft(draft, SETS, today)).toEqual([
      { field: 'version', check: 'required' },
      { field: 'effective_from', check: 'required' },
    ]);
  });

  it('checks points, unit and cap at their boundaries', () => {
    const row = (points: number, unit: number, daily_cap: number | null) => ({ kind: 'k', points, unit, daily_cap });
    expect(checkRow(row(0, 1, null))).toBeNull();
    expect(checkRow(row(100, 1, 100))).toBeNull();
    expect(checkRow(row(101, 1, null))).toBe('badPoints');
    expect(checkRow(row(-1, 1, null))).toBe('badPoints');
    expect(checkRow(row(1.5, 1, null))).toBe('badPoints');
    expect(checkRow(row(1, 0, null))).toBe('badUnit');
    expect(checkRow(row(1, 24, null))).toBeNull();
    expect(checkRow(row(1, 25, null))).toBe('badUnit');
    const time = (unit: number) => ({ kind: 'reading_time', points: 1, unit, daily_cap: 8 });
    expect(checkRow(time(59))).toBe('badUnitTime');
    expect(checkRow(time(60))).toBeNull();
    expect(checkRow(time(3600))).toBeNull();
    expect(checkRow(time(3601))).toBe('badUnitTime');
    expect(checkRow(row(1, 1, 0))).toBe('badCap');
    expect(checkRow(row(1, 1, 1))).toBeNull();
    expect(checkRow(row(1, 1, 1000))).toBeNull();
    expect(checkRow(row(1, 1, 1001))).toBe('badCap');
  });

  it('names every bad row by its kind and posts the trimmed draft', () => {
    const draft = draftFrom(SETS, today, ' 2027.本单位 ');
    draft.source = ' 党委〔2026〕12号 ';
    draft.rules[1].unit = 30;
    draft.rules[2].daily_cap = 0;
    expect(checkDraft(draft, SETS, today)).toEqual([
      { field: 'rules', check: 'badUnitTime', kind: 'reading_time' },
      { field: 'rules', check: 'badCap', kind: 'meeting_attended' },
    ]);
    draft.rules[1].unit = 300;
    draft.rules[2].daily_cap = null;
    expect(pointsBody(draft)).toEqual({
      version: '2027.本单位',
      effective_from: '2026-12-07',
      source: '党委〔2026〕12号',
      rules: [
        { kind: 'article_read', points: 1, unit: 1, daily_cap: 6 },
        { kind: 'reading_time', points: 1, unit: 300, daily_cap: 8 },
        { kind: 'meeting_attended', points: 3, unit: 1, daily_cap: null },
      ],
    });
  });
});
