/**
 * The group's task books on the root host (`/api/v1/group/task-books`): templates by year and
 * their indicators (draft, edit, reorder, publish to every subsidiary), progress per subsidiary
 * (rankings only when the group turns them on), settings, the Excel export, and the drill-down
 * into a subsidiary's book with the group's review (scores, return, approve, reopen).
 */
import type { components } from './schema';
import { api, call } from './client';
import type { Body } from './operation';
import type { TaskBookDetail, TaskBookReviewBody } from './taskBooks';

type Schemas = components['schemas'];
export type TemplateRow = Schemas['TaskBookTemplateRow'];
export type TemplateDetail = Schemas['TaskBookTemplateDetail'];
export type TemplateIndicator = Schemas['TaskBookTemplateIndicator'];
export type PublishResult = Schemas['TaskBookPublishResult'];
export type TaskBookProgress = Schemas['TaskBookProgress'];
export type ProgressRow = Schemas['TaskBookProgressRow'];
export type TemplateIndicatorBody = Body<'/api/v1/group/task-books/templates/{template_id}/indicators'>;
export type TemplateBody = Body<'/api/v1/group/task-books/templates'>;

const template = (template_id: number) => ({ params: { path: { template_id } } });
const templateIndicator = (template_id: number, indicator_id: number) => ({
  params: { path: { template_id, indicator_id } },
});
const tenantBook = (tenant_id: number, book_id: number) => ({ params: { path: { tenant_id, book_id } } });

/** The templates, newest year first (one page of 50: one template a year). */
export async function listTemplates(page = 1): Promise<TemplateRow[]> {
  const data = await call(
    api.GET('/api/v1/group/task-books/templates', { params: { query: { page, page_size: 50 } } }),
  );
  return data.results;
}

export const createTemplate = (body: TemplateBody): Promise<TemplateDetail> =>
  call(api.POST('/api/v1/group/task-books/templates', { body }));

export const getTemplate = (id: number): Promise<TemplateDetail> =>
  call(api.GET('/api/v1/group/task-books/templates/{template_id}', template(id)));

export const updateTemplate = (id: number, body: Partial<TemplateBody>): Promise<TemplateDetail> =>
  call(api.PATCH('/api/v1/group/task-books/templates/{template_id}', { ...template(id), body }));

export const deleteTemplate = (id: number) =>
  call(api.DELETE('/api/v1/group/task-books/templates/{template_id}', template(id)));

export const addTemplateIndicator = (id: number, body: TemplateIndicatorBody): Promise<TemplateDetail> =>
  call(api.POST('/api/v1/group/task-books/templates/{template_id}/indicators', { ...template(id), body }));

export const updateTemplateIndicator = (
  id: number,
  indicatorId: number,
  body: Partial<TemplateIndicatorBody>,
): Promise<TemplateDetail> =>
  call(
    api.PATCH('/api/v1/group/task-books/templates/{template_id}/indicators/{indicator_id}', {
      ...templateIndicator(id, indicatorId),
      body,
    }),
  );

export const deleteTemplateIndicator = (id: number, indicatorId: number) =>
  call(
    api.DELETE(
      '/api/v1/group/task-books/templates/{template_id}/indicators/{indicator_id}',
      templateIndicator(id, indicatorId),
    ),
  );

export const reorderTemplate = (id: number, ids: number[]): Promise<TemplateDetail> =>
  call(api.POST('/api/v1/group/task-books/templates/{template_id}/reorder', { ...template(id), body: { ids } }));

export const publishTemplate = (id: number): Promise<PublishResult> =>
  call(api.POST('/api/v1/group/task-books/templates/{template_id}/publish', template(id)));

export const getProgress = (year: number): Promise<TaskBookProgress> =>
  call(api.GET('/api/v1/group/task-books/progress', { params: { query: { year } } }));

export const getTaskBookSettings = () => call(api.GET('/api/v1/group/task-books/settings'));

export const setRankings = (rankings_enabled: boolean) =>
  call(api.PATCH('/api/v1/group/task-books/settings', { body: { rankings_enabled } }));

/** The progress and breakdown workbook (downloaded with the session; audited). */
export const exportUrl = (year: number): string => `/api/v1/group/task-books/export?year=${year}`;

export const getTenantBook = (tenantId: number, bookId: number): Promise<TaskBookDetail> =>
  call(api.GET('/api/v1/group/task-books/tenants/{tenant_id}/books/{book_id}', tenantBook(tenantId, bookId)));

export const reviewTenantBook = (tenantId: number, bookId: number, body: TaskBookReviewBody): Promise<TaskBookDetail> =>
  call(
    api.POST('/api/v1/group/task-books/tenants/{tenant_id}/books/{book_id}/review', {
      ...tenantBook(tenantId, bookId),
      body,
    }),
  );

export const returnTenantBook = (tenantId: number, bookId: number, reason: string): Promise<TaskBookDetail> =>
  call(
    api.POST('/api/v1/group/task-books/tenants/{tenant_id}/books/{book_id}/return', {
      ...tenantBook(tenantId, bookId),
      body: { reason },
    }),
  );

export const approveTenantBook = (tenantId: number, bookId: number): Promise<TaskBookDetail> =>
  call(
    api.POST('/api/v1/group/task-books/tenants/{tenant_id}/books/{book_id}/approve', {
      ...tenantBook(tenantId, bookId),
      body: {},
    }),
  );

export const reopenTenantBook = (tenantId: number, bookId: number, reason: string): Promise<TaskBookDetail> =>
  call(
    api.POST('/api/v1/group/task-books/tenants/{tenant_id}/books/{book_id}/reopen', {
      ...tenantBook(tenantId, bookId),
      body: { reason },
    }),
  );
