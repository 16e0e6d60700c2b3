import { describe, expect, it } from 'vitest';

import {
  ageParts,
  byFigure,
  compareValues,
  formatFigure,
  KPI_CARDS,
  noDataRanges,
  organizationTree,
  periodOf,
  sortRows,
  tableGroups,
} from './figures';
import type { OrganizationRow } from './types';

describe('dashboard figures', () => {
  it('formats counts, percentages, money and missing values', () => {
    expect(formatFigure(12345, '')).toBe('12,345');
    expect(formatFigure(12.345, '%')).toBe('12.3%');
    expect(formatFigure(50, '%')).toBe('50%');
    expect(formatFigure(1234.5, '¥')).toBe('¥1,234.50');
    expect(formatFigure(null, '')).toBe('—');
    expect(formatFigure(undefined, '%')).toBe('—');
    expect(formatFigure(1234.5, '¥', true)).toBe('1,235');
  });

  it('puts the figures under their table group, unknown ones under "other"', () => {
    const figures = ['women_share', 'members', 'dues_paid', 'meetings_held'].map((key) => ({ key }));
    expect(tableGroups(figures).map((group) => [group.key, group.figures.map((f) => f.key)])).toEqual([
      ['members', ['members', 'women_share']],
      ['dues', ['dues_paid']],
      ['other', ['meetings_held']],
    ]);
  });

  it('finds the months without data of a trend (drawn as a gap, not 0)', () => {
    const periods = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];
    expect(noDataRanges(periods, [[null, null, 3, 4, 5]])).toEqual([['2026-01', '2026-02']]);
    expect(
      noDataRanges(periods, [
        [null, 1, null, 0, null],
        [null, null, null, 2, null],
      ]),
    ).toEqual([
      ['2026-01', '2026-01'],
      ['2026-03', '2026-03'],
      ['2026-05', '2026-05'],
    ]);
    expect(noDataRanges(periods, [[0, 0, 0, 0, 0]])).toEqual([]); // a real 0 is data
  });

  it('shows live-lesson attendance as a card and a table group', () => {
    expect(KPI_CARDS.find((card) => card.key === 'live')).toEqual({
      key: 'live',
      main: 'live_attendance_rate',
      extra: ['live_lessons'],
      target: { tab: 'tenants', sort: 'live_attendance_rate' },
    });
    const figures = ['live_attendance_rate', 'members', 'live_lessons'].map((key) => ({ key }));
    expect(tableGroups(figures).map((group) => [group.key, group.figures.map((f) => f.key)])).toEqual([
      ['members', ['members']],
      ['live', ['live_lessons', 'live_attendance_rate']],
    ]);
  });

  it('gives every KPI card a detail to open', () => {
    expect(KPI_CARDS.every((card) => card.target)).toBe(true);
    expect(KPI_CARDS.find((card) => card.key === 'members')?.target).toEqual({ tab: 'trends', chart: 'members' });
  });

  it('sorts missing values last and compares rows by a figure', () => {
    expect([3, null, 1, 2].sort(compareValues)).toEqual([1, 2, 3, null]);
    const rows = [{ figures: { members: 5 } }, { figures: { members: null } }, { figures: { members: 2 } }];
    expect(rows.sort(byFigure('members')).map((row) => row.figures.members)).toEqual([2, 5, null]);
  });

  it('says how old the figures are in the largest whole unit', () => {
    expect(ageParts(12)).toEqual({ unit: 'seconds', count: 12 });
    expect(ageParts(125)).toEqual({ unit: 'minutes', count: 2 });
    expect(ageParts(7200)).toEqual({ unit: 'hours', count: 2 });
    expect(ageParts(200000)).toEqual({ unit: 'days', count: 2 });
    expect(ageParts(-3)).toEqual({ unit: 'seconds', count: 0 });
  });

  it('builds the organization tree from parent ids', () => {
    const row = (id: number, parent: number | null): OrganizationRow => ({
      id,
      parent,
      name: `org${id}`,
      kind: 'branch',
      depth: 0,
      figures: {},
      subtree: {},
    });
    const tree = organizationTree([row(1, null), row(2, 1), row(3, 1), row(4, 3), row(5, 99)]);
    expect(tree.map((node) => node.id)).toEqual([1, 5]);
    expect(tree[0]!.children!.map((node) => node.id)).toEqual([2, 3]);
    expect(tree[0]!.children![1]!.children!.map((node) => node.id)).toEqual([4]);
  });

  it('takes the period of a date', () => {
    expect(periodOf(new Date(2026, 0, 5))).toBe('2026-01');
  });
});

describe('sorting the tenant table', () => {
  const rows = [
    { name: '乙', figures: { members: 5 } },
    { name: '甲', figures: { members: null } },
    { name: '丙', figures: { members: 9 } },
  ];
  it('keeps tenants without a value last in both directions', () => {
    expect(sortRows(rows, 'figures.members', 'ascending').map((row) => row.name)).toEqual(['乙', '丙', '甲']);
    expect(sortRows(rows, 'figures.members', 'descending').map((row) => row.name)).toEqual(['丙', '乙', '甲']);
    expect(sortRows(rows, 'figures.members', null)).toBe(rows);
    expect(sortRows(rows, 'name', 'ascending').map((row) => row.name)).toHaveLength(3);
  });
});
