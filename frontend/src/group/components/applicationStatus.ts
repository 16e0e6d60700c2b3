import type { ApplicationStatus } from '@/api/types';

/** The tag colour of an application's status (lists and the applicant's timeline). */
export const APPLICATION_STATUS_TAGS: Record<ApplicationStatus, 'warning' | 'success' | 'danger'> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};
