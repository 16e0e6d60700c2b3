import { describe, expect, it } from 'vitest';

import type { StepField } from '@/api/development';

import { emptyStepForm, isShown, stepDetails, stepErrorFields } from './stages';

function field(name: string, kind: StepField['kind'], extra: Partial<StepField> = {}): StepField {
  const base = { label: name, required: true, hint: '', min: null, max: null, items: null, choices: [] };
  return { name, kind, ...base, default: null, shown_when: null, ...extra };
}

// As the server's step table has them (tenants/development/steps.py).
const VOTE = [
  field('entitled_differs', 'voting_roll', { required: false }),
  field('entitled', 'integer', { min: 0, shown_when: { field: 'entitled_differs', value: true } }),
  field('entitled_reason', 'text', { shown_when: { field: 'entitled_differs', value: true } }),
  field('present', 'integer', { min: 0 }),
  field('yes', 'integer', { min: 0 }),
];
const CONFIRMATION = [
  field('outcome', 'choice', { default: 'confirm' }),
  field('extension_months', 'integer', { min: 6, max: 12, shown_when: { field: 'outcome', value: 'extend' } }),
];

describe('the vote of steps 15 and 23', () => {
  it('leaves the number entitled to the records unless the secretary states a different one', () => {
    const form = emptyStepForm(VOTE);
    Object.assign(form.numbers, { entitled: 20, present: 12, yes: 11 });
    // The typed figure is not sent: the service takes the number from the records.
    expect(stepDetails(VOTE, form)).toEqual({ present: 12, yes: 11 });
    expect(isShown(VOTE[1]!, form)).toBe(false);
  });

  it('sends a different figure only together with its reason', () => {
    const fields = [...VOTE, ...CONFIRMATION];
    const form = emptyStepForm(fields);
    form.flags.entitled_differs = true;
    Object.assign(form.numbers, { entitled: 20, present: 12, yes: 11 });
    form.text.entitled_reason = ' 两名党员档案在途 ';
    expect(stepDetails(fields, form)).toEqual({
      present: 12,
      yes: 11,
      entitled: 20,
      entitled_reason: '两名党员档案在途',
      outcome: 'confirm',
    });
  });

  it('asks for the months of an extension only when probation is extended', () => {
    const form = emptyStepForm(CONFIRMATION);
    expect(stepDetails(CONFIRMATION, form)).toEqual({ outcome: 'confirm' });
    form.text.outcome = 'extend';
    expect(stepDetails(CONFIRMATION, form)).toEqual({ outcome: 'extend', extension_months: null });
  });
});

describe('the other step fields', () => {
  it('drops blank contacts, leaves out a blank optional reason and sends untyped numbers as null', () => {
    const fields = [
      field('late_reason', 'text', { required: false }),
      field('contacts', 'texts', { items: 2 }),
      field('introducers', 'members', { items: 2 }),
      field('days', 'integer'),
    ];
    const form = emptyStepForm(fields);
    expect(form.texts.contacts).toEqual(['', '']);
    form.texts.contacts = [' 王芳 ', ''];
    form.members.introducers = [3, 4];
    expect(stepDetails(fields, form)).toEqual({ contacts: ['王芳'], introducers: [3, 4], days: null });
    form.text.late_reason = ' 出差 ';
    expect(stepDetails(fields, form)).toMatchObject({ late_reason: '出差' });
  });

  it('lists every field an error may name', () => {
    const steps = [{ number: 11, stage: 'candidate', code: 'training', name: '', repeatable: false, fields: VOTE }];
    expect(stepErrorFields(steps)).toEqual([
      'done_on',
      'notes',
      'details.entitled_differs',
      'details.entitled',
      'details.entitled_reason',
      'details.present',
      'details.yes',
    ]);
  });
});
