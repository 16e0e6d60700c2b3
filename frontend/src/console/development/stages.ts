import type { DevelopmentStage, StepInfo } from '@/api/types';

/** The five stages of the 25 steps, in order (the cases' `stage` adds `full` and `revoked`). */
export const STEP_STAGES = ['applicant', 'activist', 'candidate', 'admission', 'probation'] as const;
export const CASE_STAGES: readonly DevelopmentStage[] = [...STEP_STAGES, 'full', 'revoked'];

export const STAGE_TAGS: Record<DevelopmentStage, 'primary' | 'success' | 'warning' | 'danger' | 'info'> = {
  applicant: 'info',
  activist: 'primary',
  candidate: 'primary',
  admission: 'warning',
  probation: 'warning',
  full: 'success',
  revoked: 'danger',
};

/** The step table grouped by stage, in order. */
export function groupSteps(steps: StepInfo[]): { stage: (typeof STEP_STAGES)[number]; steps: StepInfo[] }[] {
  return STEP_STAGES.map((stage) => ({ stage, steps: steps.filter((step) => step.stage === stage) }));
}

/** Which extra facts (`details`) each step asks for. */
export type DetailKind = 'late_reason' | 'contacts' | 'introducers' | 'training' | 'vote' | 'confirmation';
export function detailKinds(step: number): DetailKind[] {
  switch (step) {
    case 2:
      return ['late_reason'];
    case 5:
      return ['contacts'];
    case 9:
      return ['introducers'];
    case 11:
      return ['training'];
    case 15:
      return ['vote'];
    case 23:
      return ['vote', 'confirmation'];
    default:
      return [];
  }
}

export interface StepForm {
  done_on: string;
  notes: string;
  late_reason: string;
  contacts: [string, string];
  introducers: number[];
  days?: number;
  hours?: number;
  /** The secretary's own number entitled to vote; sent only when it differs from the records, with a reason. */
  entitled_differs: boolean;
  entitled?: number;
  entitled_reason: string;
  present?: number;
  yes?: number;
  outcome: 'confirm' | 'extend' | 'revoke';
  extension_months?: number;
}

export function emptyStepForm(): StepForm {
  return {
    done_on: '',
    notes: '',
    late_reason: '',
    contacts: ['', ''],
    introducers: [],
    outcome: 'confirm',
    entitled_differs: false,
    entitled_reason: '',
  };
}

/** The `details` the API expects for `step` from the form. */
export function stepDetails(step: number, form: StepForm): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const kinds = detailKinds(step);
  if (kinds.includes('late_reason') && form.late_reason.trim()) details.late_reason = form.late_reason.trim();
  if (kinds.includes('contacts')) details.contacts = form.contacts.map((name) => name.trim()).filter(Boolean);
  if (kinds.includes('introducers')) details.introducers = [...form.introducers];
  if (kinds.includes('training')) Object.assign(details, { days: form.days ?? null, hours: form.hours ?? null });
  if (kinds.includes('vote')) {
    // The number entitled comes from the records on the meeting date; a different one needs its reason.
    Object.assign(details, { present: form.present ?? null, yes: form.yes ?? null });
    if (form.entitled_differs)
      Object.assign(details, { entitled: form.entitled ?? null, entitled_reason: form.entitled_reason.trim() });
  }
  if (kinds.includes('confirmation')) {
    details.outcome = form.outcome;
    if (form.outcome === 'extend') details.extension_months = form.extension_months ?? null;
  }
  return details;
}

/** The form fields an API error may name (`field`), e.g. `done_on` or `details.present`. */
export const STEP_FIELDS = [
  'done_on',
  'notes',
  'details.late_reason',
  'details.contacts',
  'details.introducers',
  'details.days',
  'details.hours',
  'details.entitled',
  'details.entitled_reason',
  'details.present',
  'details.yes',
  'details.outcome',
  'details.extension_months',
] as const;
