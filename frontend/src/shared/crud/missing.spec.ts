import { describe, expect, it } from 'vitest';

import { missing } from './useCrudDialog';

describe('missing', () => {
  it('names every empty required field at once, in order', () => {
    const form = { member: undefined, amount: '  ', effective_from: '2026-01-01', months: [] };
    expect(
      missing(form, [
        ['member', '请选择党员'],
        ['amount', '请填写党费基数'],
        ['effective_from', '请选择生效日期'],
        ['months', '请选择月份'],
      ] as const),
    ).toEqual([
      { field: 'member', message: '请选择党员' },
      { field: 'amount', message: '请填写党费基数' },
      { field: 'months', message: '请选择月份' },
    ]);
  });

  it('accepts zero and filled values', () => {
    expect(
      missing({ member: 0, amount: '9000' }, [
        ['member', 'x'],
        ['amount', 'y'],
      ] as const),
    ).toEqual([]);
  });
});
