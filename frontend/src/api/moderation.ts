/**
 * The exchange's moderation console (`tenants.exchange`, issue 17): the queues of comments
 * (pending, reported, hidden) and of community threads (pending, hidden), the decisions on a
 * comment's reports, the boards the caller manages, and the schema's exchange settings.
 * Everything here works on the host's own rows (`scope=tenant`, the API's default).
 */
import { api, call } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type ModerationComment = Schemas['ExchangeModerationComment'];
export type ModerationThread = Schemas['ExchangeThread'];
export type ModerationSummary = Schemas['ExchangeModerationSummary'];
export type ExchangeSettings = Schemas['ExchangeSettings'];
export type PostLimits = Schemas['PostLimits'];
export type ExchangeSettingsChange = Schemas['PatchedExchangeSettingsRequest'];
export type Board = Schemas['ExchangeBoard'];
export type BoardWrite = Schemas['ExchangeBoardWriteRequest'];
export type BoardChange = Schemas['PatchedExchangeBoardChangeRequest'];
export type CommentQueue = 'pending' | 'reported' | 'hidden';
export type ThreadQueue = 'pending' | 'hidden';
export type Decision = Schemas['DecisionEnum'];

const comment = (comment_id: number, note: string) => ({ params: { path: { comment_id } }, body: { note } });
const thread = (thread_id: number, note: string) => ({ params: { path: { thread_id } }, body: { note } });

/** How many comments and threads wait in each queue. */
export const moderationSummary = (): Promise<ModerationSummary> => call(api.GET('/api/v1/exchange/moderation/summary'));

// ---------------------------------------------------------------- comments

export const listCommentQueue = (queue: CommentQueue, page: number, page_size: number) =>
  call(api.GET('/api/v1/exchange/moderation/comments', { params: { query: { queue, page, page_size } } }));
export const approveComment = (id: number, note = '') =>
  call(api.POST('/api/v1/exchange/comments/{comment_id}/approve', comment(id, note)));
export const hideComment = (id: number, note = '') =>
  call(api.POST('/api/v1/exchange/comments/{comment_id}/hide', comment(id, note)));
export const unhideComment = (id: number, note = '') =>
  call(api.POST('/api/v1/exchange/comments/{comment_id}/unhide', comment(id, note)));
/** Uphold (hide the comment) or dismiss its open reports. */
export const decideReports = (id: number, decision: Decision, note = '') =>
  call(
    api.POST('/api/v1/exchange/moderation/comments/{comment_id}/reports', {
      params: { path: { comment_id: id } },
      body: { decision, note },
    }),
  );

// ---------------------------------------------------------------- threads

export const listThreadQueue = (queue: ThreadQueue, page: number, page_size: number) =>
  call(api.GET('/api/v1/exchange/moderation/threads', { params: { query: { queue, page, page_size } } }));
export const approveThread = (id: number, note = '') =>
  call(api.POST('/api/v1/exchange/threads/{thread_id}/approve', thread(id, note)));
export const hideThread = (id: number, note = '') =>
  call(api.POST('/api/v1/exchange/threads/{thread_id}/hide', thread(id, note)));
export const unhideThread = (id: number, note = '') =>
  call(api.POST('/api/v1/exchange/threads/{thread_id}/unhide', thread(id, note)));

// ---------------------------------------------------------------- boards

/** The boards I manage, closed ones too, by position. */
export const listManagedBoards = (page = 1, page_size = 100) =>
  call(api.GET('/api/v1/exchange/boards', { params: { query: { manage: true, page, page_size } } }));
export const createBoard = (body: BoardWrite): Promise<Board> => call(api.POST('/api/v1/exchange/boards', { body }));
export const changeBoard = (id: number, body: BoardChange): Promise<Board> =>
  call(api.PATCH('/api/v1/exchange/boards/{board_id}', { params: { path: { board_id: id } }, body }));

// ---------------------------------------------------------------- settings

export const getExchangeSettings = (): Promise<ExchangeSettings> =>
  call(api.GET('/api/v1/exchange/moderation/settings'));
export const saveExchangeSettings = (body: ExchangeSettingsChange): Promise<ExchangeSettings> =>
  call(api.PATCH('/api/v1/exchange/moderation/settings', { body }));

/** The micro-video limits in force (set by the operator; shown read-only beside the settings). */
export const getPostLimits = (): Promise<PostLimits> => call(api.GET('/api/v1/exchange/post-limits'));
