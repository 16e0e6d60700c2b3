/** What the member portal's learning pages share: reader links, covers, heartbeats, labels. */
import type { RouteLocationRaw } from 'vue-router';

import { sendStudyHeartbeat } from '@/api/learning';
import type { LibraryRow, ResourceKind, SearchRow } from '@/api/types';
import type { StudyBeat } from '@/shared/learning/useStudyHeartbeat';

export const HEARTBEAT_URL = '/api/v1/learning/study/heartbeats';

export const RESOURCE_KINDS: readonly ResourceKind[] = ['article', 'document', 'gallery', 'video', 'link'];

/** Vant icons per kind (regulation articles included). */
export const KIND_ICONS: Record<string, string> = {
  article: 'notes-o',
  document: 'description',
  gallery: 'photo-o',
  video: 'video-o',
  link: 'link-o',
  regulation: 'bookmark-o',
  // Issue 17: the exchange's and supervision's documents in the same search.
  post: 'newspaper-o',
  thread: 'chat-o',
  announcement: 'volume-o',
  publicity: 'manager-o',
};

/** The cover picture of a resource (the API answers with a redirect to the stored image). */
export const coverUrl = (uuid: string) => `/api/v1/learning/library/${encodeURIComponent(uuid)}/cover`;

/** Send one study heartbeat for `resource`. */
export async function sendBeat(resource: string, beat: StudyBeat): Promise<void> {
  await sendStudyHeartbeat({ resource, ...beat });
}

/** A row of the learning tab: a search hit, or a library row (browsing without words: no highlights). */
export type LearningRow = SearchRow | LibraryRow;

/** Where a search result opens: the reader, or a regulation at the article found (this tenant's or the group's). */
export function resultTarget(row: LearningRow): RouteLocationRaw | null {
  const data = row.data as Record<string, unknown>;
  const uuid = typeof data.uuid === 'string' ? data.uuid : null;
  // The exchange's and supervision's documents open their own pages (issue 17).
  switch (row.kind) {
    case 'post':
      return uuid ? { name: 'exchange-post', params: { uuid } } : null;
    case 'announcement':
      return uuid ? { name: 'announcement', params: { uuid } } : null;
    case 'publicity':
      return uuid ? { name: 'publicity-item', params: { uuid } } : null;
    case 'thread':
      return typeof data.id === 'number' && (data.scope === 'tenant' || data.scope === 'group')
        ? { name: 'community-thread', params: { scope: data.scope, id: String(data.id) } }
        : null;
  }
  if (row.kind === 'regulation') {
    if (typeof data.regulation !== 'string') return null;
    return {
      name: 'learning-regulation',
      params: { uuid: data.regulation },
      query: { article: String(data.article ?? '') },
    };
  }
  return typeof data.uuid === 'string' ? { name: 'learning-item', params: { uuid: data.uuid } } : null;
}

/** Whole minutes of a number of seconds. */
export const minutesOf = (seconds: number | null | undefined) => Math.floor(Math.max(0, seconds ?? 0) / 60);

/** A progress bar's percentage (0–100) of `value` against `cap`. */
export const percentOf = (value: number, cap: number) =>
  cap > 0 ? Math.min(100, Math.round((Math.max(0, value) * 100) / cap)) : 0;
