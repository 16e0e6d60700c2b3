import { describe, expect, it } from 'vitest';

import { byDay, gridRange, monthGrid, shiftMonth } from './calendar';

describe('monthGrid', () => {
  it('starts on the Monday on or before the first and covers six weeks', () => {
    const days = monthGrid(2026, 12); // 1 Dec 2026 is a Tuesday
    expect(days).toHaveLength(42);
    expect(days[0]).toEqual({ key: '2026-11-30', date: 30, inMonth: false, weekend: false });
    expect(days[1]).toMatchObject({ key: '2026-12-01', inMonth: true });
    expect(days.filter((d) => d.inMonth)).toHaveLength(31);
    expect(days[5]).toMatchObject({ key: '2026-12-05', weekend: true });
  });

  it('does not add a week before a month that starts on a Monday', () => {
    expect(monthGrid(2026, 6)[0]!.key).toBe('2026-06-01');
    expect(gridRange(2026, 6)).toEqual({ from: '2026-06-01', to: '2026-07-12' });
  });
});

describe('byDay', () => {
  it('groups by the local day of the start, in time order', () => {
    const at = (y: number, m: number, d: number, h: number) => new Date(y, m - 1, d, h).toISOString();
    const groups = byDay([
      { id: 2, starts_at: at(2026, 5, 1, 15) },
      { id: 1, starts_at: at(2026, 5, 1, 9) },
      { id: 3, starts_at: at(2026, 5, 2, 23) },
      { id: 4, starts_at: 'never' },
    ]);
    expect([...groups.keys()]).toEqual(['2026-05-01', '2026-05-02']);
    expect(groups.get('2026-05-01')!.map((m) => m.id)).toEqual([1, 2]);
  });
});

describe('shiftMonth', () => {
  it('crosses years both ways', () => {
    expect(shiftMonth(2026, 12, 1)).toEqual({ year: 2027, month: 1 });
    expect(shiftMonth(2026, 1, -1)).toEqual({ year: 2025, month: 12 });
    expect(shiftMonth(2026, 5, 0)).toEqual({ year: 2026, month: 5 });
  });
});
