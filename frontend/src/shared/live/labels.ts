import type { LessonStatus } from '@/api/live';

/** Every status of a lesson, in its life's order (filters, tags). */
export const LESSON_STATUSES: readonly LessonStatus[] = ['scheduled', 'live', 'ended', 'cancelled'];
