import { describe, expect, it } from 'vitest';

import type { StepInfo } from '@/api/development';
import { groupSteps } from '@/console/development/stages';
import { currentMonth, monthOf } from '@/console/dues/month';

describe('development steps', () => {
  it('groups the step table by the five stages, in order', () => {
    const steps = [
      { number: 1, stage: 'applicant' },
      { number: 3, stage: 'activist' },
      { number: 25, stage: 'probation' },
    ] as StepInfo[];
    const groups = groupSteps(steps);
    expect(groups.map((group) => group.stage)).toEqual([
      'applicant',
      'activist',
      'candidate',
      'admission',
      'probation',
    ]);
    expect(groups[4]!.steps.map((step) => step.number)).toEqual([25]);
    expect(groups[2]!.steps).toEqual([]);
  });
  // What a step's form sends: src/console/development/stages.spec.ts (from the server's step table).
});

describe('dues months', () => {
  it('formats months as YYYY-MM', () => {
    expect(currentMonth(new Date(2026, 5, 15))).toBe('2026-06');
    expect(monthOf('2026-06-01')).toBe('2026-06');
    expect(monthOf(null)).toBe('');
  });
});
