import { describe, expect, it } from 'vitest';

import { headerBands, lastYearEnd } from './annualReport';

describe('annual report', () => {
  it('defaults to the last 31 December', () => {
    expect(lastYearEnd(new Date(2026, 4, 20))).toBe('2025-12-31');
    expect(lastYearEnd(new Date(2026, 11, 31))).toBe('2026-12-31');
  });

  it('groups consecutive columns under their header band', () => {
    const bands = headerBands([
      { key: 'unit', group: '' },
      { key: 'a', group: '年龄' },
      { key: 'b', group: '年龄' },
      { key: 'c', group: '' },
      { key: 'd', group: '' },
      { key: 'e', group: '学历' },
    ]);
    expect(bands.map((band) => [band.group, band.columns.map((column) => column.key)])).toEqual([
      ['', ['unit']],
      ['年龄', ['a', 'b']],
      ['', ['c']],
      ['', ['d']],
      ['学历', ['e']],
    ]);
  });
});
