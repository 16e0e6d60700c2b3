import type { StepField, StepInfo } from '@/api/development';
import type { DevelopmentStage } from '@/api/types';

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

/**
 * What the form of one step holds: `done_on`, `notes` and a value for each of the step's fields
 * (the server's step table says which, see `tenants/development/steps.py`), by kind.
 */
export interface StepForm {
  done_on: string;
  notes: string;
  /** `text` and `choice` fields. */
  text: Record<string, string>;
  /** `texts` fields: one input each of `items`. */
  texts: Record<string, string[]>;
  /** `members` fields: member ids. */
  members: Record<string, number[]>;
  /** `integer` fields: empty until typed. */
  numbers: Record<string, number | undefined>;
  /** `voting_roll` fields: "the actual figure differs from the records" (not sent). */
  flags: Record<string, boolean>;
}

export function emptyStepForm(fields: readonly StepField[]): StepForm {
  const form: StepForm = { done_on: '', notes: '', text: {}, texts: {}, members: {}, numbers: {}, flags: {} };
  for (const field of fields) {
    if (field.kind === 'texts') form.texts[field.name] = Array.from({ length: field.items ?? 1 }, () => '');
    else if (field.kind === 'members') form.members[field.name] = [];
    else if (field.kind === 'integer') form.numbers[field.name] = undefined;
    else if (field.kind === 'voting_roll') form.flags[field.name] = false;
    else form.text[field.name] = field.default ?? '';
  }
  return form;
}

/** The value of a field a `shown_when` condition reads. */
function valueOf(form: StepForm, name: string): unknown {
  for (const values of [form.flags, form.text, form.numbers]) if (name in values) return values[name];
  return undefined;
}

/** Whether `field` is asked for now (its `shown_when` condition holds). */
export function isShown(field: StepField, form: StepForm): boolean {
  return !field.shown_when || valueOf(form, field.shown_when.field) === field.shown_when.value;
}

/**
 * The `details` the API expects from the form: the fields shown, text trimmed (an optional one
 * left out when blank), blank names dropped, an integer not typed sent as null.
 */
export function stepDetails(fields: readonly StepField[], form: StepForm): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const field of fields) {
    if (!isShown(field, form)) continue;
    const name = field.name;
    if (field.kind === 'texts') details[name] = (form.texts[name] ?? []).map((text) => text.trim()).filter(Boolean);
    else if (field.kind === 'members') details[name] = [...(form.members[name] ?? [])];
    else if (field.kind === 'integer') details[name] = form.numbers[name] ?? null;
    else if (field.kind === 'text') {
      const text = (form.text[name] ?? '').trim();
      if (text || field.required) details[name] = text;
    } else if (field.kind === 'choice') details[name] = form.text[name];
  }
  return details;
}

/** The form fields an API error may name (`field`), e.g. `done_on` or `details.present`. */
export function stepErrorFields(steps: readonly StepInfo[]): string[] {
  const names = new Set(steps.flatMap((step) => step.fields.map((field) => `details.${field.name}`)));
  return ['done_on', 'notes', ...names];
}

/** `entitled_differs` → `entitled-differs`: the field's `name`/`data-test` in the page. */
export const kebab = (name: string) => name.replace(/_/g, '-');
