/**
 * The general meeting's decision form (支部党员大会评定), pure: the cap on 优秀 (DOMAIN_RULES §5:
 * at most numerator/denominator of the full members graded, rounded down — the round's rule
 * version), the live counter and what still keeps the form from being submitted.
 */
import type { FollowUp, Grade } from '@/shared/evaluation/labels';

export interface DecisionLine {
  participant: number;
  grade: Grade | '';
  unqualified_reasons: string;
  follow_up: FollowUp | '';
  follow_up_deadline: string | null;
}

/** 优秀 at most ⌊graded × numerator ÷ denominator⌋ (3 full members → 1, 6 → 2, 7 → 2). */
export function excellentCap(graded: number, numerator: number, denominator: number): number {
  if (graded <= 0 || denominator <= 0 || numerator <= 0) return 0;
  return Math.floor((graded * numerator) / denominator);
}

export function countExcellent(lines: readonly DecisionLine[]): number {
  return lines.filter((line) => line.grade === 'excellent').length;
}

/** What the counter shows: how many 优秀 so far, the cap, and whether it is over. */
export interface CapState {
  excellent: number;
  cap: number;
  over: boolean;
  /** Another 优秀 would exceed the cap. */
  full: boolean;
}

export function capState(lines: readonly DecisionLine[], cap: number): CapState {
  const excellent = countExcellent(lines);
  return { excellent, cap, over: excellent > cap, full: excellent >= cap };
}

export type LineProblem = 'grade' | 'reasons' | 'followUp' | 'deadline';

/** The problems of one line: a grade is required; 不合格 needs reasons and a follow-up (限期改正 with its deadline). */
export function lineProblems(line: DecisionLine): LineProblem[] {
  const problems: LineProblem[] = [];
  if (!line.grade) problems.push('grade');
  if (line.grade === 'unqualified') {
    if (!line.unqualified_reasons.trim()) problems.push('reasons');
    if (!line.follow_up) problems.push('followUp');
    else if (line.follow_up === 'rectify' && !line.follow_up_deadline) problems.push('deadline');
  }
  return problems;
}

/** Whether the decision may be submitted: every line complete and 优秀 within the cap. */
export function canSubmit(lines: readonly DecisionLine[], cap: number): boolean {
  return lines.length > 0 && !capState(lines, cap).over && lines.every((line) => lineProblems(line).length === 0);
}

/** The body to send: reasons and follow-up only with 不合格, the deadline only with 限期改正. */
export function decisionPayload(lines: readonly DecisionLine[]): DecisionLine[] {
  return lines.map((line) => {
    const unqualified = line.grade === 'unqualified';
    return {
      participant: line.participant,
      grade: line.grade,
      unqualified_reasons: unqualified ? line.unqualified_reasons.trim() : '',
      follow_up: unqualified ? line.follow_up : '',
      follow_up_deadline: unqualified && line.follow_up === 'rectify' ? line.follow_up_deadline : null,
    };
  });
}
