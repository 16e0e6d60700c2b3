/**
 * The learning platform's fixed value sets (labels in i18n under `learning.*`) and the tag
 * colours the desktop tables use. Shared by the console and the group's shared library page.
 */
import type { MediaStatus, QuestionKind, ResourceKind, ResourceStatus, ShowcaseStatus } from '@/api/types';

export const RESOURCE_KINDS: readonly ResourceKind[] = ['article', 'document', 'gallery', 'video', 'link'];
export const RESOURCE_STATUSES: readonly ResourceStatus[] = ['draft', 'published', 'archived'];
export const SHOWCASE_STATUSES: readonly ShowcaseStatus[] = ['none', 'proposed', 'approved', 'declined'];
export const QUESTION_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'true_false'];

type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger';

export const STATUS_TAGS: Record<ResourceStatus, TagType> = {
  draft: 'info',
  published: 'success',
  archived: 'warning',
};

export const SHOWCASE_TAGS: Record<ShowcaseStatus, TagType> = {
  none: 'info',
  proposed: 'warning',
  approved: 'success',
  declined: 'danger',
};

/** Media still being processed on the server: the screens poll until it is done. */
export function mediaBusy(status: MediaStatus | undefined): boolean {
  return status === 'queued' || status === 'processing';
}

/** What the file pickers offer per purpose (the server checks the real type anyway). */
export const ACCEPT = {
  document: ['.pdf', '.docx', '.xlsx', '.pptx', '.txt'],
  video: ['.mp4', '.webm', '.mov', '.mkv'],
  image: ['.jpg', '.jpeg', '.png', '.webp', '.gif'],
  regulation: ['.pdf', '.docx', '.txt'],
} as const;

/** The confidentiality gate's refusal code (DOMAIN_RULES §8). */
export const CLASSIFIED = 'confidentiality.classified';

/** `12 分钟` style minutes for seconds (rounded down). */
export function minutes(seconds: number | null | undefined): number {
  return Math.floor(Math.max(0, seconds ?? 0) / 60);
}
