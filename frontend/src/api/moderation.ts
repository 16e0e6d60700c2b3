/**
 * The exchange's moderation console (`tenants.exchange`, issue 17): the queues of comments
 * (pending, reported, hidden) and of community threads (pending, hidden), the decisions on
 * reports, the boards, and the schema's exchange settings.
 *
 * PROVISIONAL: typed by hand until bsocial's API contract lands in schema.d.ts.
 */
import { api, call } from './client';
import { getJson, postJson } from './untyped';

export type TargetType = 'post' | 'thread';
export type ItemStatus = 'pending' | 'visible' | 'hidden' | 'deleted';
export type CommentQueue = 'pending' | 'reported' | 'hidden';
export type ThreadQueue = 'pending' | 'hidden';

export type Person = { id: number; name: string };

export type CommentReport = {
  id: number;
  reason: string;
  reporter: Person | null;
  status: 'open' | 'upheld' | 'dismissed';
  created_at: string;
};

export type ModerationComment = {
  id: number;
  target_type: TargetType;
  target_id: number;
  target_title: string;
  parent: number | null;
  author: Person | null;
  author_unit: string;
  body: string;
  status: ItemStatus;
  moderation_note: string;
  report_count: number;
  created_at: string;
  reports: CommentReport[];
  moderated_by: Person | null;
  moderated_at: string | null;
};

export type ModerationThread = {
  id: number;
  board: number;
  board_name: string;
  title: string;
  body: string;
  author: Person | null;
  status: ItemStatus;
  moderation_note: string;
  pinned: boolean;
  locked: boolean;
  reply_count: number;
  created_at: string;
};

export type ModerationSummary = {
  pending_comments: number;
  reported_comments: number;
  hidden_comments: number;
  pending_threads: number;
  hidden_threads: number;
};

export type ExchangeSettings = {
  comments_need_review: boolean;
  hide_after_reports: number;
  allow_outside_shares: boolean;
  micro_video_max_seconds?: number;
  micro_video_max_bytes?: number;
  can_change: boolean;
};

export type Board = {
  id: number;
  name: string;
  description: string;
  organization: number | null;
  organization_name: string;
  position: number;
  is_active: boolean;
  posts_need_review: boolean;
  thread_count: number;
  created_at: string;
  can_manage: boolean;
};

export type BoardWrite = {
  name: string;
  description: string;
  organization: number | null;
  position: number;
  posts_need_review: boolean;
};

export type Page<T> = { count: number; results: T[] };

const BASE = '/api/v1/exchange';
type Send = (path: string, init?: { body?: unknown }) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export const moderationSummary = (): Promise<ModerationSummary> => getJson(`${BASE}/moderation/summary`);

// ---------------------------------------------------------------- comments

export const listCommentQueue = (queue: CommentQueue, page: number, page_size: number): Promise<Page<ModerationComment>> =>
  getJson(`${BASE}/moderation/comments`, { queue, page, page_size });
export const approveComment = (id: number, note = '') => postJson(`${BASE}/comments/${id}/approve`, { note });
export const hideComment = (id: number, note = '') => postJson(`${BASE}/comments/${id}/hide`, { note });
export const unhideComment = (id: number, note = '') => postJson(`${BASE}/comments/${id}/unhide`, { note });
/** Uphold (hide the comment) or dismiss its open reports. */
export const decideReports = (id: number, decision: 'uphold' | 'dismiss', note = '') =>
  postJson(`${BASE}/moderation/comments/${id}/reports`, { decision, note });

// ---------------------------------------------------------------- threads

export const listThreadQueue = (queue: ThreadQueue, page: number, page_size: number): Promise<Page<ModerationThread>> =>
  getJson(`${BASE}/moderation/threads`, { queue, page, page_size });
export const approveThread = (id: number, note = '') => postJson(`${BASE}/threads/${id}/approve`, { note });
export const hideThread = (id: number, note = '') => postJson(`${BASE}/threads/${id}/hide`, { note });
export const unhideThread = (id: number, note = '') => postJson(`${BASE}/threads/${id}/unhide`, { note });

// ---------------------------------------------------------------- boards

export const listManagedBoards = (page = 1, page_size = 100): Promise<Page<Board>> =>
  getJson(`${BASE}/boards`, { manage: true, page, page_size });
export const createBoard = (body: BoardWrite): Promise<Board> => postJson(`${BASE}/boards`, body);
const patchJson = <T>(path: string, body: unknown): Promise<T> =>
  call((api as unknown as { PATCH: Send }).PATCH(path, { body })) as Promise<T>;

export const changeBoard = (id: number, body: Partial<BoardWrite & { is_active: boolean }>): Promise<Board> =>
  patchJson(`${BASE}/boards/${id}`, body);

// ---------------------------------------------------------------- settings

export const getExchangeSettings = (): Promise<ExchangeSettings> => getJson(`${BASE}/moderation/settings`);
export const saveExchangeSettings = (body: Partial<ExchangeSettings>): Promise<ExchangeSettings> =>
  patchJson(`${BASE}/moderation/settings`, body);
