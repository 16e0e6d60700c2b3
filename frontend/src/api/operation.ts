/**
 * Type helpers for the domain modules of src/api/ (members.ts, tenancy.ts, …): the query
 * parameters and the JSON body of an operation, read from the generated `paths` (schema.d.ts),
 * so that a module function's parameters follow the schema without repeating it.
 *
 *   export const listMembers = (query: Query<'/api/v1/members'>) =>
 *     call(api.GET('/api/v1/members', { params: { query } }));
 */
import type { paths } from './schema';

/** An HTTP method as openapi-typescript names the operations of a path. */
export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** A path of the API that has an operation for `method`. */
export type PathWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined | never ? never : P;
}[keyof paths];

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The query parameters of `method` on `path` (`never` when it takes none). */
export type Query<P extends PathWith<M>, M extends Method = 'get'> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The request body of `method` on `path` (its JSON or multipart form; `never` without one). */
export type Body<P extends PathWith<M>, M extends Method = 'post'> =
  Operation<P, M> extends { requestBody?: { content: infer C } } ? C[keyof C] : never;

/** The path parameters of `method` on `path`. */
export type PathParams<P extends PathWith<M>, M extends Method = 'get'> =
  Operation<P, M> extends { parameters: { path?: infer Q } } ? NonNullable<Q> : never;
