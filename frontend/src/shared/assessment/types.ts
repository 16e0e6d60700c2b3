/**
 * The shapes the shared task-book components work on (工作任务书): the fields of an indicator
 * as both the group's API and the tenant's API return them, and the editor's draft of one.
 * Structural on purpose: the generated schema types of either API fit them.
 */
import type { IndicatorValue, Level, ScoringKind } from './scoring';

export type BookStatus = 'draft' | 'issued' | 'submitted' | 'returned' | 'reviewed' | 'approved';
export type EvidenceSource =
  'manual' | 'meetings_held' | 'dues_on_time' | 'development_on_schedule' | 'study_participation' | 'transfers_in_time';

export const SCORING_KINDS: readonly ScoringKind[] = ['binary', 'graded', 'count'];
export const EVIDENCE_SOURCES: readonly EvidenceSource[] = [
  'manual',
  'meetings_held',
  'dues_on_time',
  'development_on_schedule',
  'study_participation',
  'transfers_in_time',
];
export const BOOK_STATUSES: readonly BookStatus[] = [
  'draft',
  'issued',
  'submitted',
  'returned',
  'reviewed',
  'approved',
];

/** A platform figure: `value` a decimal 0–1 as a string. */
export interface Measured {
  value?: string | number | null;
  numerator?: number | null;
  denominator?: number | null;
  measured_at?: string | null;
}

export interface EvidenceItem {
  id: number;
  note?: string;
  filename?: string;
  size?: number;
  url?: string | null;
  created_at?: string;
  created_by_name?: string | null;
  can_delete?: boolean;
}

/** What every indicator has (template, book, cascade). */
export interface IndicatorFields {
  id?: number;
  area: string;
  title: string;
  description?: string;
  weight: string;
  scoring: ScoringKind | string;
  levels?: Level[] | null;
  target?: number | null;
  evidence_required?: string;
  evidence_source?: EvidenceSource | string;
  deadline?: string | null;
  origin?: string;
}

/** A book's indicator with the self-assessment, the platform figure, evidence and the review. */
export interface BookIndicator extends IndicatorFields {
  id: number;
  self_value?: IndicatorValue | null;
  self_note?: string;
  self_score?: string | null;
  measured?: Measured | null;
  figure?: Measured | null;
  review_value?: IndicatorValue | null;
  review_score?: string | null;
  review_comment?: string;
  evidence?: EvidenceItem[];
}

/** The editor's row: an indicator being written (no id yet for a new one). */
export interface IndicatorDraft extends IndicatorFields {
  /** Stable key for the table (the id, or a made-up one for new rows). */
  key: string;
  description: string;
  levels: Level[];
  target: number | null;
  evidence_required: string;
  evidence_source: EvidenceSource | string;
  deadline: string | null;
}

/** One indicator's review as the forms send it. */
export interface IndicatorReview {
  id: number;
  value: IndicatorValue | null;
  comment: string;
}
