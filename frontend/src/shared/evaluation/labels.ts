/** Democratic evaluation (民主评议党员): the grades, follow-ups and round statuses with their tag colours. */
export const GRADES = ['excellent', 'qualified', 'basically_qualified', 'unqualified'] as const;
export type Grade = (typeof GRADES)[number];

export const FOLLOW_UPS = ['rectify', 'persuade_to_leave', 'remove'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];

export const ROUND_STATUSES = ['draft', 'open', 'closed', 'decided', 'confirmed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary';

export const ROUND_TAG: Record<RoundStatus, TagType> = {
  draft: 'info',
  open: 'primary',
  closed: 'warning',
  decided: 'success',
  confirmed: 'success',
};

export const GRADE_TAG: Record<Grade, TagType> = {
  excellent: 'success',
  qualified: 'info',
  basically_qualified: 'warning',
  unqualified: 'danger',
};

/** Counts per grade, zeros for the missing ones, in the grades' order. */
export function gradeCounts(counts: Partial<Record<Grade, number>> | null | undefined): [Grade, number][] {
  return GRADES.map((grade) => [grade, counts?.[grade] ?? 0]);
}
