import { describe, expect, it } from 'vitest';

import { emptyStepForm, stepDetails } from './stages';

describe('the vote of steps 15 and 23', () => {
  it('leaves the number entitled to the records unless the secretary states a different one', () => {
    const form = { ...emptyStepForm(), entitled: 20, present: 12, yes: 11 };
    // The typed figure is not sent: the service takes the number from the records.
    expect(stepDetails(15, form)).toEqual({ present: 12, yes: 11 });
  });

  it('sends a different figure only together with its reason', () => {
    const form = {
      ...emptyStepForm(),
      entitled_differs: true,
      entitled: 20,
      entitled_reason: ' 两名党员档案在途 ',
      present: 12,
      yes: 11,
      outcome: 'confirm' as const,
    };
    expect(stepDetails(23, form)).toEqual({
      present: 12,
      yes: 11,
      entitled: 20,
      entitled_reason: '两名党员档案在途',
      outcome: 'confirm',
    });
  });
});
