/** Vant/Element tag colours for the statuses of posts and comments. */
import type { PostStatus } from '@/api/exchange';

export const POST_STATUS_TYPE: Record<PostStatus, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  draft: 'default',
  pending: 'warning',
  published: 'success',
  rejected: 'danger',
  withdrawn: 'default',
};

/** Element Plus's tag types (no "default" there: an empty type is the grey one). */
export const POST_STATUS_EL: Record<PostStatus, 'primary' | 'success' | 'warning' | 'danger' | 'info'> = {
  draft: 'info',
  pending: 'warning',
  published: 'success',
  rejected: 'danger',
  withdrawn: 'info',
};
