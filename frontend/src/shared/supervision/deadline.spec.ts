import { describe, expect, it } from 'vitest';

import { daysTo, dueState } from './deadline';

const today = new Date(2026, 9, 8); // 8 October 2026, local time

describe('deadlines as the lists show them', () => {
  it('counts whole calendar days', () => {
    expect(daysTo('2026-10-08', today)).toBe(0);
    expect(daysTo('2026-10-12', today)).toBe(4);
    expect(daysTo('2026-10-01', today)).toBe(-7);
    expect(daysTo(null, today)).toBeNull();
    expect(daysTo('garbage', today)).toBeNull();
  });

  it('is overdue after the day, due soon within three days, else in time', () => {
    expect(dueState('2026-10-07', false, today)).toEqual({ state: 'overdue', days: -1 });
    expect(dueState('2026-10-08', false, today)).toEqual({ state: 'soon', days: 0 });
    expect(dueState('2026-10-11', false, today).state).toBe('soon');
    expect(dueState('2026-10-12', false, today).state).toBe('ok');
  });

  it('is nothing once met or without a date', () => {
    expect(dueState('2026-10-01', true, today).state).toBe('none');
    expect(dueState(null, false, today).state).toBe('none');
  });
});
