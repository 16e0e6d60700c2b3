import { describe, expect, it } from 'vitest';

import type { StepInfo } from '@/api/types';
import { detailKinds, emptyStepForm, groupSteps, stepDetails } from '@/console/development/stages';
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

  it('sends only the facts a step asks for', () => {
    const form = { ...emptyStepForm(), contacts: ['李四', ' '] as [string, string], days: 3, hours: 24 };
    expect(stepDetails(5, form)).toEqual({ contacts: ['李四'] });
    expect(stepDetails(11, form)).toEqual({ days: 3, hours: 24 });
    expect(stepDetails(7, form)).toEqual({});
    expect(detailKinds(23)).toEqual(['vote', 'confirmation']);
  });

  it('adds the extension only when extending probation', () => {
    // The number entitled comes from the records: a typed one is sent only as an override with its reason.
    const vote = { ...emptyStepForm(), entitled: 20, present: 15, yes: 14, extension_months: 6 };
    expect(stepDetails(23, vote)).toEqual({ present: 15, yes: 14, outcome: 'confirm' });
    expect(stepDetails(23, { ...vote, outcome: 'extend' })).toMatchObject({ outcome: 'extend', extension_months: 6 });
    expect(stepDetails(2, { ...emptyStepForm(), late_reason: '  出差 ' })).toEqual({ late_reason: '出差' });
  });
});

describe('dues months', () => {
  it('formats months as YYYY-MM', () => {
    expect(currentMonth(new Date(2026, 5, 15))).toBe('2026-06');
    expect(monthOf('2026-06-01')).toBe('2026-06');
    expect(monthOf(null)).toBe('');
  });
});
