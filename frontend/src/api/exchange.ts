/**
 * The exchange platform (交流平台, `tenants.exchange`, issue 17) for the portal, the console and the
 * group app: posts (要闻, 成果展示, 微视频) with their review and proposals, the home feed,
 * interactions (likes, favourites, shares, comments, reports, @mentions) and the community. Each
 * function is one operation of `schema.d.ts`, typed by its path.
 *
 * Every interaction takes a `scope`: `tenant` works on this host's rows, `group` on the group's
 * (a group post read from a subsidiary's host). A post row says which in its `source`.
 */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { components } from './schema';

type Schemas = components['schemas'];

export type PostKind = Schemas['PostKindEnum'];
export type PostStatus = Schemas['PostStatusEnum'];
export type MediaStatus = Schemas['MediaStatusEnum'];
export type ProposalStatus = Schemas['PostProposalStatusEnum'];
export type Marking = Schemas['ContentMarkingEnum'];
export type Scope = Schemas['TenantOrGroupScopeEnum'];
export type TargetType = Schemas['ExchangeTargetTypeEnum'];
export type CommentStatus = Schemas['ExchangeCommentStatusEnum'];
/** The `{kind}` of a reaction's path (a plain string in the schema). */
export type ReactionKind = 'like' | 'favourite';

export const POST_KINDS: readonly PostKind[] = ['news', 'showcase', 'micro_video'];
export const POST_STATUSES: readonly PostStatus[] = ['draft', 'pending', 'published', 'rejected', 'withdrawn'];

/** Pages and links address a post by its UUID (`id`); comments, reactions and shares by its row (`pk`). */
export type PostRow = Schemas['PostRow'];
export type PostDetail = Schemas['PostDetail'];
export type PostImage = Schemas['PostImage'];
export type PostVideo = Schemas['PostVideo'];
export type PostLimits = Schemas['PostLimits'];
export type Promotion = Schemas['Promotion'];
export type PostQuery = Query<'/api/v1/exchange/posts'>;
export type PostBody = Body<'/api/v1/exchange/posts'>;
export type PostChanges = Body<'/api/v1/exchange/posts/{uuid}', 'patch'>;
export type Feed = Schemas['Feed'];
export type FeedLesson = Schemas['FeedLesson'];
export type FeedMeeting = Schemas['FeedMeeting'];

const byUuid = (uuid: string) => ({ params: { path: { uuid } } });

/** Posts I see here (on a tenant host the group's published ones merged in), pinned first. */
export const listPosts = (query: PostQuery = {}) => call(api.GET('/api/v1/exchange/posts', { params: { query } }));
export const getPost = (uuid: string): Promise<PostDetail> =>
  call(api.GET('/api/v1/exchange/posts/{uuid}', byUuid(uuid)));
export const createPost = (body: PostBody): Promise<PostDetail> => call(api.POST('/api/v1/exchange/posts', { body }));
export const updatePost = (uuid: string, changes: PostChanges): Promise<PostDetail> =>
  call(api.PATCH('/api/v1/exchange/posts/{uuid}', { ...byUuid(uuid), body: changes }));
export const deletePost = (uuid: string) => call(api.DELETE('/api/v1/exchange/posts/{uuid}', byUuid(uuid)));
export const submitPost = (uuid: string): Promise<PostDetail> =>
  call(api.POST('/api/v1/exchange/posts/{uuid}/submit', byUuid(uuid)));
export const approvePost = (uuid: string, note = ''): Promise<PostDetail> =>
  call(api.POST('/api/v1/exchange/posts/{uuid}/approve', { ...byUuid(uuid), body: { note } }));
export const rejectPost = (uuid: string, note: string): Promise<PostDetail> =>
  call(api.POST('/api/v1/exchange/posts/{uuid}/reject', { ...byUuid(uuid), body: { note } }));
export const withdrawPost = (uuid: string, note = ''): Promise<PostDetail> =>
  call(api.POST('/api/v1/exchange/posts/{uuid}/withdraw', { ...byUuid(uuid), body: { note } }));
export const proposeToParent = (uuid: string, note = ''): Promise<PostDetail> =>
  call(api.POST('/api/v1/exchange/posts/{uuid}/propose', { ...byUuid(uuid), body: { note } }));
export const proposeToGroup = (uuid: string, note = ''): Promise<PostDetail> =>
  call(api.POST('/api/v1/exchange/posts/{uuid}/propose-to-group', { ...byUuid(uuid), body: { note } }));
export const postLimits = (): Promise<PostLimits> => call(api.GET('/api/v1/exchange/post-limits'));

export const listPromotions = (query: Query<'/api/v1/exchange/post-promotions'>) =>
  call(api.GET('/api/v1/exchange/post-promotions', { params: { query } }));
export const decidePromotion = (id: number, accept: boolean, note = ''): Promise<Promotion> => {
  const init = { params: { path: { promotion_id: id } }, body: { note } };
  return call(
    accept
      ? api.POST('/api/v1/exchange/post-promotions/{promotion_id}/accept', init)
      : api.POST('/api/v1/exchange/post-promotions/{promotion_id}/decline', init),
  );
};

/** The portal's home: news, showcase and micro-videos for me, live lessons, my meetings, my to-dos. */
export const getFeed = (): Promise<Feed> => call(api.GET('/api/v1/exchange/feed'));

// ---------------------------------------------------------------- interactions

export type Person = Schemas['ExchangePerson'];
export type ReactionState = Schemas['ExchangeReactionState'];
export type Reply = Schemas['ExchangeReply'];
export type Comment = Schemas['ExchangeComment'];
export type Share = Schemas['ExchangeShare'];
export type Favourite = Schemas['ExchangeFavourite'];
export type Mentionable = Schemas['ExchangeMentionable'];
export type SharedPost = Schemas['ExchangeSharedPost'];
export type Board = Schemas['ExchangeBoard'];
export type Thread = Schemas['ExchangeThread'];

/** An interaction's target: a post or thread row in a schema. */
export interface Target {
  type: TargetType;
  id: number;
  scope: Scope;
}

export const react = (target: Target, kind: ReactionKind, on: boolean): Promise<ReactionState> => {
  const init = {
    params: { path: { target_type: target.type, target_id: target.id, kind }, query: { scope: target.scope } },
  };
  return call(
    on
      ? api.PUT('/api/v1/exchange/reactions/{target_type}/{target_id}/{kind}', init)
      : api.DELETE('/api/v1/exchange/reactions/{target_type}/{target_id}/{kind}', init),
  );
};

export const listFavourites = (query: Query<'/api/v1/exchange/favourites'>) =>
  call(api.GET('/api/v1/exchange/favourites', { params: { query } }));

export const sharePost = (post: number, scope: Scope): Promise<Share> =>
  call(api.POST('/api/v1/exchange/shares', { params: { query: { scope } }, body: { post } }));

/** The post a share link opens (signing in is not needed for a public post shared outside). */
export const openShare = (token: string): Promise<SharedPost> =>
  call(api.GET('/api/v1/exchange/shares/{token}', { params: { path: { token } } }));

export const listComments = (target: Target, query: { page?: number; page_size?: number } = {}) =>
  call(
    api.GET('/api/v1/exchange/comments', {
      params: { query: { target_type: target.type, target_id: target.id, scope: target.scope, ...query } },
    }),
  );

export const addComment = (
  target: Target,
  body: string,
  options: { parent?: number | null; mentions?: number[] } = {},
): Promise<Comment> =>
  call(
    api.POST('/api/v1/exchange/comments', {
      params: { query: { scope: target.scope } },
      body: {
        target_type: target.type,
        target_id: target.id,
        body,
        parent: options.parent ?? null,
        mentions: options.mentions ?? [],
      },
    }),
  );

export const deleteComment = (id: number, scope: Scope) =>
  call(
    api.DELETE('/api/v1/exchange/comments/{comment_id}', { params: { path: { comment_id: id }, query: { scope } } }),
  );

export const reportComment = (id: number, scope: Scope, reason: string) =>
  call(
    api.POST('/api/v1/exchange/comments/{comment_id}/report', {
      params: { path: { comment_id: id }, query: { scope } },
      body: { reason },
    }),
  );

export const mentionable = (search: string) =>
  call(api.GET('/api/v1/exchange/mentionable', { params: { query: { search, page_size: 20 } } }));

// ---------------------------------------------------------------- community

export const listBoards = (scope: Scope) =>
  call(api.GET('/api/v1/exchange/boards', { params: { query: { scope, page_size: 100 } } }));
export const getBoard = (id: number, scope: Scope): Promise<Board> =>
  call(api.GET('/api/v1/exchange/boards/{board_id}', { params: { path: { board_id: id }, query: { scope } } }));
export const listThreads = (scope: Scope, query: Omit<Query<'/api/v1/exchange/threads'>, 'scope'>) =>
  call(api.GET('/api/v1/exchange/threads', { params: { query: { scope, ...query } } }));
export const getThread = (id: number, scope: Scope): Promise<Thread> =>
  call(api.GET('/api/v1/exchange/threads/{thread_id}', { params: { path: { thread_id: id }, query: { scope } } }));
export const createThread = (scope: Scope, body: Body<'/api/v1/exchange/threads'>): Promise<Thread> =>
  call(api.POST('/api/v1/exchange/threads', { params: { query: { scope } }, body }));
