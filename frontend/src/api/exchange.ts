/**
 * The exchange platform (交流平台, `tenants.exchange`, issue 17) for the portal and the console:
 * posts (要闻, 成果展示, 微视频) with their review and proposals, the home feed, interactions
 * (likes, favourites, shares, comments, reports, @mentions) and the members' community.
 *
 * Every interaction takes a `scope`: `tenant` works on this host's rows, `group` on the group's
 * (a group post read from a subsidiary's host). A post row says which in its `source`.
 */
import { api, call } from './client';
import type { Page } from './types';

type Query = Record<string, string | number | boolean | null | undefined>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Send = (
  path: string,
  init?: { params?: { query?: Query }; body?: unknown },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const client = api as unknown as Record<Method, Send>;

/** Drop the empty values: `?kind=` with nothing after it is not the same as no kind. */
function clean(query: Query | undefined): Query | undefined {
  if (!query) return undefined;
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** One call through the app's client (session, CSRF token, Accept-Language, `{code, message}` errors). */
function sendJson<T>(method: Method, path: string, body?: unknown, query?: Query): Promise<T> {
  return call(client[method](path, { params: { query: clean(query) }, body })) as Promise<T>;
}
const getJson = <T>(path: string, query?: Query): Promise<T> => sendJson('GET', path, undefined, query);
const postJson = <T>(path: string, body: unknown = {}): Promise<T> => sendJson('POST', path, body);

export type PostKind = 'news' | 'showcase' | 'micro_video';
export type PostStatus = 'draft' | 'pending' | 'published' | 'rejected' | 'withdrawn';
export type MediaStatus = 'none' | 'queued' | 'processing' | 'ready' | 'failed';
export type ProposalStatus = 'none' | 'proposed' | 'approved' | 'declined';
export type Marking = 'public' | 'internal';
export type Scope = 'tenant' | 'group';
export type TargetType = 'post' | 'thread';
export type CommentStatus = 'pending' | 'visible' | 'hidden' | 'deleted';

export const POST_KINDS: readonly PostKind[] = ['news', 'showcase', 'micro_video'];
export const POST_STATUSES: readonly PostStatus[] = ['draft', 'pending', 'published', 'rejected', 'withdrawn'];

// ---------------------------------------------------------------- posts

export interface PostRow {
  /** The post's UUID (what pages and links use). */
  id: string;
  /** The row in its schema: what comments, reactions and shares address. */
  pk: number;
  source: Scope;
  kind: PostKind;
  title: string;
  summary: string;
  marking: Marking;
  tags: string[];
  status: PostStatus;
  organization: number | null;
  organization_name: string;
  audience: number | null;
  audience_name: string;
  author_name: string;
  origin_name: string;
  is_mine: boolean;
  cover_url: string | null;
  has_video: boolean;
  media_status: MediaStatus;
  duration_seconds: number | null;
  pinned: boolean;
  group_status: ProposalStatus;
  like_count: number;
  favourite_count: number;
  share_count: number;
  comment_count: number;
  view_count: number;
  created_at: string;
  submitted_at: string | null;
  published_at: string | null;
}

export interface PostImage {
  url: string;
  thumbnail_url: string;
  caption: string;
  width: number | null;
  height: number | null;
}

export interface PostVideo {
  status: MediaStatus;
  progress: number;
  error: string;
  duration_seconds: number | null;
  renditions: string[];
  play_url: string | null;
  poster_url: string | null;
  file_name: string;
  file_size: number | null;
}

export interface OpenPromotion {
  id: number;
  to_organization: number;
  to_organization_name: string;
  status: ProposalStatus;
  note: string;
  proposed_at: string;
}

export interface PostDetail extends PostRow {
  body_html: string;
  images: PostImage[];
  video: PostVideo | null;
  review_note: string;
  reviewed_at: string | null;
  comments_enabled: boolean;
  comments_need_review: boolean;
  liked: boolean;
  favourited: boolean;
  can_edit: boolean;
  can_moderate: boolean;
  can_review: boolean;
  promotion: OpenPromotion | null;
}

export interface PostQuery {
  kind?: PostKind | '';
  status?: PostStatus | '';
  organization?: number | null;
  search?: string;
  source?: Scope | '';
  mine?: boolean;
  reviewable?: boolean;
  page?: number;
  page_size?: number;
}

export interface PostBody {
  kind: PostKind;
  title: string;
  summary?: string;
  body_html?: string;
  marking?: Marking;
  tags?: string[];
  organization?: number | null;
  cover_upload?: string | null;
  image_uploads?: string[];
  captions?: string[];
  video_upload?: string | null;
  pinned?: boolean;
  comments_enabled?: boolean;
  comments_need_review?: boolean;
  submit?: boolean;
}

export type PostChanges = Partial<Omit<PostBody, 'kind' | 'organization' | 'submit'>>;

export interface PostLimits {
  micro_video_max_seconds: number;
  micro_video_max_bytes: number;
  max_images: number;
  max_tags: number;
  image_types: string[];
  video_types: string[];
}

export interface Promotion {
  id: number;
  post: string;
  post_title: string;
  post_kind: PostKind;
  from_organization: number;
  from_organization_name: string;
  to_organization: number;
  to_organization_name: string;
  status: ProposalStatus;
  note: string;
  proposed_at: string;
  decided_at: string | null;
  decision_note: string;
  can_decide: boolean;
}

const POSTS = '/api/v1/exchange/posts';
const postPath = (uuid: string, step?: string) => `${POSTS}/${encodeURIComponent(uuid)}${step ? `/${step}` : ''}`;

/** Posts I see here (on a tenant host the group's published ones merged in), pinned first. */
export const listPosts = (query: PostQuery = {}): Promise<Page<PostRow>> =>
  getJson(POSTS, { ...query, organization: query.organization ?? undefined });
export const getPost = (uuid: string): Promise<PostDetail> => getJson(postPath(uuid));
export const createPost = (body: PostBody): Promise<PostDetail> => postJson(POSTS, body);
export const updatePost = (uuid: string, changes: PostChanges): Promise<PostDetail> =>
  sendJson('PATCH', postPath(uuid), changes);
export const deletePost = (uuid: string): Promise<void> => sendJson('DELETE', postPath(uuid));
export const submitPost = (uuid: string): Promise<PostDetail> => postJson(postPath(uuid, 'submit'));
export const approvePost = (uuid: string, note = ''): Promise<PostDetail> =>
  postJson(postPath(uuid, 'approve'), { note });
export const rejectPost = (uuid: string, note: string): Promise<PostDetail> =>
  postJson(postPath(uuid, 'reject'), { note });
export const withdrawPost = (uuid: string, note = ''): Promise<PostDetail> =>
  postJson(postPath(uuid, 'withdraw'), { note });
export const proposeToParent = (uuid: string, note = ''): Promise<PostDetail> =>
  postJson(postPath(uuid, 'propose'), { note });
export const proposeToGroup = (uuid: string, note = ''): Promise<PostDetail> =>
  postJson(postPath(uuid, 'propose-to-group'), { note });
export const postLimits = (): Promise<PostLimits> => getJson('/api/v1/exchange/limits');

export const listPromotions = (query: {
  status?: ProposalStatus | '';
  incoming?: boolean;
  page?: number;
  page_size?: number;
}): Promise<Page<Promotion>> => getJson('/api/v1/exchange/promotions', query);
export const decidePromotion = (id: number, accept: boolean, note = ''): Promise<Promotion> =>
  postJson(`/api/v1/exchange/promotions/${id}/${accept ? 'accept' : 'decline'}`, { note });

// ---------------------------------------------------------------- the portal's home feed

export interface FeedLesson {
  id: number;
  scope: Scope;
  title: string;
  status: string;
  starts_at: string | null;
}

export interface FeedMeeting {
  id: number;
  title: string;
  kind: string;
  starts_at: string;
  location: string;
}

export interface FeedTodo {
  kind: string;
  title: string;
  count: number;
  link: string;
}

export interface Feed {
  news: PostRow[];
  group_news: PostRow[];
  lessons: FeedLesson[];
  meetings: FeedMeeting[];
  todos: FeedTodo[];
  todo_count: number;
}

export const getFeed = (): Promise<Feed> => getJson('/api/v1/exchange/feed');

// ---------------------------------------------------------------- interactions

export interface Person {
  id: number;
  name: string;
}

export interface ReactionState {
  target_type: TargetType;
  target_id: number;
  scope: string;
  liked: boolean;
  favourited: boolean;
  like_count: number;
  favourite_count: number;
}

export type ReactionKind = 'like' | 'favourite';

export interface Reply {
  id: number;
  target_type: TargetType;
  target_id: number;
  parent: number | null;
  reply_to: Person | null;
  author: Person | null;
  author_unit: string;
  body: string;
  mentions: Person[];
  status: CommentStatus;
  moderation_note: string;
  like_count: number;
  report_count: number;
  created_at: string;
  mine: boolean;
  can_delete: boolean;
  can_moderate: boolean;
  reported: boolean;
}

export interface Comment extends Reply {
  replies: Reply[];
}

export interface Share {
  token: string;
  url: string;
  share_count: number;
  created_at: string;
}

export interface Favourite {
  id: number;
  target_type: TargetType;
  target_id: number;
  scope: string;
  title: string;
  summary: string;
  post_kind: PostKind | null;
  /** The post's UUID (its page), null for a thread. */
  post_uuid?: string | null;
  available: boolean;
  created_at: string;
}

export interface Mentionable {
  id: number;
  name: string;
  organization: string;
}

/** An interaction's target: a post or thread row in a schema. */
export interface Target {
  type: TargetType;
  id: number;
  scope: Scope;
}

const EXCHANGE = '/api/v1/exchange';

export const react = (target: Target, kind: ReactionKind, on: boolean): Promise<ReactionState> =>
  sendJson(on ? 'PUT' : 'DELETE', `${EXCHANGE}/reactions/${target.type}/${target.id}/${kind}`, undefined, {
    scope: target.scope,
  });

export const listFavourites = (query: { scope?: Scope; page?: number; page_size?: number }): Promise<Page<Favourite>> =>
  getJson(`${EXCHANGE}/favourites`, query);

export const sharePost = (post: number, scope: Scope): Promise<Share> =>
  sendJson('POST', `${EXCHANGE}/shares`, { post }, { scope });

export const listComments = (
  target: Target,
  query: { page?: number; page_size?: number } = {},
): Promise<Page<Comment>> =>
  getJson(`${EXCHANGE}/comments`, { target_type: target.type, target_id: target.id, scope: target.scope, ...query });

export const addComment = (
  target: Target,
  body: string,
  options: { parent?: number | null; mentions?: number[] } = {},
): Promise<Comment> =>
  sendJson(
    'POST',
    `${EXCHANGE}/comments`,
    {
      target_type: target.type,
      target_id: target.id,
      body,
      parent: options.parent ?? null,
      mentions: options.mentions ?? [],
    },
    { scope: target.scope },
  );

export const deleteComment = (id: number, scope: Scope): Promise<void> =>
  sendJson('DELETE', `${EXCHANGE}/comments/${id}`, undefined, { scope });

export const reportComment = (id: number, scope: Scope, reason: string): Promise<{ reported: boolean }> =>
  sendJson('POST', `${EXCHANGE}/comments/${id}/report`, { reason }, { scope });

export const mentionable = (search: string): Promise<Page<Mentionable>> =>
  getJson(`${EXCHANGE}/mentionable`, { search, page_size: 20 });

// ---------------------------------------------------------------- community

export interface Board {
  id: number;
  scope: string;
  name: string;
  description: string;
  organization: number | null;
  organization_name: string;
  thread_count: number;
  posts_need_review: boolean;
  is_active: boolean;
  can_post: boolean;
}

export interface Thread {
  id: number;
  scope: string;
  board: number;
  board_name: string;
  title: string;
  body: string;
  mentions: Person[];
  author: Person | null;
  author_unit: string;
  status: CommentStatus;
  moderation_note: string;
  pinned: boolean;
  locked: boolean;
  like_count: number;
  reply_count: number;
  created_at: string;
  last_reply_at: string | null;
  mine: boolean;
  can_moderate: boolean;
  can_reply: boolean;
  liked: boolean;
  favourited: boolean;
}

export const listBoards = (scope: Scope): Promise<Page<Board>> =>
  getJson(`${EXCHANGE}/boards`, { scope, page_size: 100 });
export const getBoard = (id: number, scope: Scope): Promise<Board> => getJson(`${EXCHANGE}/boards/${id}`, { scope });
export const listThreads = (
  scope: Scope,
  query: { board?: number; search?: string; page?: number; page_size?: number },
): Promise<Page<Thread>> => getJson(`${EXCHANGE}/threads`, { scope, ...query });
export const getThread = (id: number, scope: Scope): Promise<Thread> => getJson(`${EXCHANGE}/threads/${id}`, { scope });
export const createThread = (
  scope: Scope,
  body: { board: number; title: string; body: string; mentions: number[] },
): Promise<Thread> => sendJson('POST', `${EXCHANGE}/threads`, body, { scope });

// ---------------------------------------------------------------- a share link

export interface SharedPost {
  token: string;
  scope: string;
  id: number;
  uuid: string;
  kind: PostKind;
  title: string;
  summary: string;
  body_html: string;
  marking: Marking;
  author_name: string;
  origin_name: string;
  published_at: string | null;
  cover_url: string | null;
  video_url: string | null;
  like_count: number;
  favourite_count: number;
  share_count: number;
  comment_count: number;
  view_count: number;
  signed_in: boolean;
}

/** The post a share link opens (signing in is not needed for a public post shared outside). */
export const openShare = (token: string): Promise<SharedPost> =>
  getJson(`${EXCHANGE}/shares/${encodeURIComponent(token)}`);
