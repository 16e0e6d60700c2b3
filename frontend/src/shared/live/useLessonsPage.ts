/**
 * What the console's and the group site's 直播党课 pages share: the status and text filters, the
 * paged list that reads them, and the way to a lesson's monitor and attendance.
 */
import { reactive } from 'vue';
import { useRouter } from 'vue-router';

import type { LessonStatus } from '@/api/live';
import type { Page } from '@/api/types';
import { usePagedList, type PageParams } from '@/composables/usePagedList';

export interface LessonFilterQuery extends PageParams {
  status?: LessonStatus;
  search?: string;
}

/** `fetch` lists one page of lessons with the shared filters (a page may add its own to the query). */
export function useLessonsPage<T extends { id: number }>(fetch: (query: LessonFilterQuery) => Promise<Page<T>>) {
  const router = useRouter();
  const filters = reactive({ status: '' as LessonStatus | '', search: '' });
  const list = usePagedList<T>(({ page, page_size }) =>
    fetch({ page, page_size, status: filters.status || undefined, search: filters.search.trim() || undefined }),
  );
  // What LessonsPanel takes from here (v-bind="panel"): the list and where its buttons lead.
  const panel = {
    list,
    onMonitor: (row: T) => router.push({ name: 'live-monitor', params: { id: row.id } }),
    onAttendance: (row: T) => router.push({ name: 'live-attendance', params: { id: row.id } }),
  };
  return { filters, list, panel };
}
