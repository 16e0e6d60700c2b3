/**
 * Task books (工作任务书) on the tenant host (`/api/v1/assessment/task-books`): the books of the
 * caller's scope, a book with its indicators, evidence and platform figures; the cascade to a
 * child organization (draft, indicators, issue); evidence (notes, directly uploaded files); the
 * unit's self-assessment and submission; the review by the level above (scores, return, approve,
 * reopen). Each function is one operation of `schema.d.ts`.
 */
import type { components } from './schema';
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { Page } from './types';

type Schemas = components['schemas'];
export type TaskBookRow = Schemas['TaskBookRow'];
export type TaskBookDetail = Schemas['TaskBookDetail'];
export type TaskBookIndicator = Schemas['TaskBookIndicator'];
export type TaskBookEvidence = Schemas['TaskBookEvidence'];
export type TaskBookValue = Schemas['TaskBookValue'];
export type TaskBookStatus = TaskBookRow['status'];
export type TaskBookIndicatorBody = Body<'/api/v1/assessment/task-books/{book_id}/indicators'>;
export type TaskBookReviewBody = Body<'/api/v1/assessment/task-books/{book_id}/review'>;
export type TaskBookSelfBody = Body<'/api/v1/assessment/task-books/{book_id}/self-assessment'>;

/** The upload purpose of task-book evidence files. */
export const EVIDENCE_PURPOSE = 'assessment_evidence';

const book = (book_id: number) => ({ params: { path: { book_id } } });
const indicator = (book_id: number, indicator_id: number) => ({ params: { path: { book_id, indicator_id } } });

/** The books of the caller's scope, newest year first (paged). */
export const listTaskBooks = (query: Query<'/api/v1/assessment/task-books'>): Promise<Page<TaskBookRow>> =>
  call(api.GET('/api/v1/assessment/task-books', { params: { query } }));

export const getTaskBook = (id: number): Promise<TaskBookDetail> =>
  call(api.GET('/api/v1/assessment/task-books/{book_id}', book(id)));

export const renameDraft = (id: number, title: string): Promise<TaskBookDetail> =>
  call(api.PATCH('/api/v1/assessment/task-books/{book_id}', { ...book(id), body: { title } }));

export const deleteDraft = (id: number) => call(api.DELETE('/api/v1/assessment/task-books/{book_id}', book(id)));

/** A draft book for a child organization from this one (its indicators copied). */
export const cascadeBook = (id: number, organization: number, title?: string): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/cascade', { ...book(id), body: { organization, title } }));

export const addIndicator = (id: number, body: TaskBookIndicatorBody): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/indicators', { ...book(id), body }));

export const updateIndicator = (
  id: number,
  indicatorId: number,
  body: Partial<TaskBookIndicatorBody>,
): Promise<TaskBookDetail> =>
  call(
    api.PATCH('/api/v1/assessment/task-books/{book_id}/indicators/{indicator_id}', {
      ...indicator(id, indicatorId),
      body,
    }),
  );

export const deleteIndicator = (id: number, indicatorId: number) =>
  call(api.DELETE('/api/v1/assessment/task-books/{book_id}/indicators/{indicator_id}', indicator(id, indicatorId)));

/** A note, or a verified upload (purpose `assessment_evidence`), for an indicator. */
export const addEvidence = (
  id: number,
  indicatorId: number,
  body: { note?: string; upload?: string | null },
): Promise<TaskBookEvidence> =>
  call(
    api.POST('/api/v1/assessment/task-books/{book_id}/indicators/{indicator_id}/evidence', {
      ...indicator(id, indicatorId),
      body: { note: body.note ?? '', upload: body.upload ?? null },
    }),
  );

export const deleteEvidence = (id: number, evidenceId: number) =>
  call(
    api.DELETE('/api/v1/assessment/task-books/{book_id}/evidence/{evidence_id}', {
      params: { path: { book_id: id, evidence_id: evidenceId } },
    }),
  );

export const issueBook = (id: number): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/issue', book(id)));

export const selfAssess = (id: number, body: TaskBookSelfBody): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/self-assessment', { ...book(id), body }));

export const submitBook = (id: number): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/submit', book(id)));

export const reviewBook = (id: number, body: TaskBookReviewBody): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/review', { ...book(id), body }));

export const returnBook = (id: number, reason: string): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/return', { ...book(id), body: { reason } }));

export const approveBook = (id: number, comment?: string): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/approve', { ...book(id), body: { comment } }));

export const reopenBook = (id: number, reason: string): Promise<TaskBookDetail> =>
  call(api.POST('/api/v1/assessment/task-books/{book_id}/reopen', { ...book(id), body: { reason } }));
