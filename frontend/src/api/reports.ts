/**
 * 网上信访举报 (reports and petitions) and 询问·质询 (inquiries), `tenants.supervision`: the public
 * form and tracking (no session: the tracking code travels in POST bodies only), the inspectors'
 * console, the group's reports (routed to it or escalated as overdue), and the members' inquiries.
 */
import { api, call } from './client';
import { errorFromResponse, networkError } from './errors';
import type { Query } from './operation';
import type { components } from './schema';

type Schemas = components['schemas'];

export type ReportKind = Schemas['ReportKindEnum'];
export type ReportStatus = Schemas['ReportStatusEnum'];
export type ReportUnit = Schemas['ReportUnit'];
export type ReportFiling = Schemas['ReportFileRequest'];
export type FiledReport = Schemas['ReportFiled'];
export type ReportMessage = Schemas['ReportMessage'];
export type ReportAttachment = Schemas['ReportAttachment'];
export type ReportEvent = Schemas['ReportEvent'];
export type TrackedReport = Schemas['ReportTracking'];
export type ReportRow = Schemas['ReportListItem'];
export type ReportDetail = Schemas['ReportDetail'];
export type UploadStarted = Schemas['ReportUploadStarted'];
/** A report the group holds: routed to it, or escalated as overdue (no content). */
export type GroupReport = Schemas['GroupReport'];
export type GroupReportDetail = Schemas['GroupReportDetail'];
export type Inquiry = Schemas['Inquiry'];
export type InquiryStatus = Schemas['InquiryStatusEnum'];
export type InquiryOrganization = Schemas['InquiryOrganization'];
export type InquiryAsk = Schemas['InquiryAskRequest'];
/** What a list row says is overdue today (`overdue`); the group's rows also say `routed`. */
export type OverdueKind = 'acknowledge' | 'close' | 'feedback';

const report = (report_id: number) => ({ params: { path: { report_id } } });
const escalation = (escalation_id: number) => ({ params: { path: { escalation_id } } });
const inquiry = (inquiry_id: number) => ({ params: { path: { inquiry_id } } });

// ---------------------------------------------------------------- public: filing and tracking

/** The organizations one may report about (names and the tree), for the form. */
export const listReportUnits = (): Promise<ReportUnit[]> => call(api.GET('/api/v1/supervision/reports/units'));
/** File it: the answer carries the tracking code ONCE. */
export const fileReport = (body: ReportFiling): Promise<FiledReport> =>
  call(api.POST('/api/v1/supervision/reports', { body }));
export const trackReport = (code: string): Promise<TrackedReport> =>
  call(api.POST('/api/v1/supervision/reports/track', { body: { code } }));
export const answerReport = (code: string, body: string): Promise<ReportMessage> =>
  call(api.POST('/api/v1/supervision/reports/track/answer', { body: { code, body } }));

/**
 * Upload one file of evidence with the tracking code as the credential: the API hands out a
 * presigned POST bound to the report, the browser sends the bytes to the store, the API verifies
 * the object and attaches it.
 */
export async function uploadReportAttachment(code: string, file: File): Promise<ReportAttachment> {
  const started = await call(
    api.POST('/api/v1/supervision/reports/track/attachments', {
      body: { code, filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size },
    }),
  );
  await sendToStore(started, file);
  return call(
    api.POST('/api/v1/supervision/reports/track/attachments/complete', { body: { code, upload: started.upload } }),
  );
}

/** The presigned POST: its fields, then the file last. */
async function sendToStore(started: UploadStarted, file: File): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(started.post.fields)) form.append(name, value);
  form.append('file', file);
  let response: Response;
  try {
    response = await globalThis.fetch(new URL(started.post.url, location.href), {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
    });
  } catch {
    throw networkError();
  }
  if (!response.ok) throw errorFromResponse(response.status, await response.json().catch(() => null));
}

// ---------------------------------------------------------------- console: the assigned inspectors

export const listReports = (query: Query<'/api/v1/supervision/reports'>) =>
  call(api.GET('/api/v1/supervision/reports', { params: { query } }));
export const getReport = (id: number): Promise<ReportDetail> =>
  call(api.GET('/api/v1/supervision/reports/{report_id}', report(id)));

/** The case actions, on either side: the subsidiary's inspectors (by report id) or the group's (by its row id). */
export interface CaseActions {
  acknowledge(): Promise<unknown>;
  decline(reason: string): Promise<unknown>;
  message(body: string): Promise<unknown>;
  extend(days: number, reason: string): Promise<unknown>;
  close(result: string): Promise<unknown>;
  feedback(body: string): Promise<unknown>;
  /** A short-lived download URL of an attachment (the subsidiary's inspectors). */
  download?(attachmentId: number): Promise<{ url: string }>;
}

export const tenantCase = (id: number): CaseActions => ({
  acknowledge: () => call(api.POST('/api/v1/supervision/reports/{report_id}/acknowledge', report(id))),
  decline: (reason) =>
    call(api.POST('/api/v1/supervision/reports/{report_id}/decline', { ...report(id), body: { reason } })),
  message: (body) =>
    call(api.POST('/api/v1/supervision/reports/{report_id}/messages', { ...report(id), body: { body } })),
  extend: (days, reason) =>
    call(api.POST('/api/v1/supervision/reports/{report_id}/extend', { ...report(id), body: { days, reason } })),
  close: (result) =>
    call(api.POST('/api/v1/supervision/reports/{report_id}/close', { ...report(id), body: { result } })),
  feedback: (body) =>
    call(api.POST('/api/v1/supervision/reports/{report_id}/feedback', { ...report(id), body: { body } })),
  download: (attachment_id) =>
    call(
      api.GET('/api/v1/supervision/reports/{report_id}/attachments/{attachment_id}', {
        params: { path: { report_id: id, attachment_id } },
      }),
    ),
});

// ---------------------------------------------------------------- group (root host, the group's inspectors)

export const listGroupReports = (query: Query<'/api/v1/supervision/group/reports'>) =>
  call(api.GET('/api/v1/supervision/group/reports', { params: { query } }));
/** The case, read in its subsidiary's schema (audited). */
export const getGroupReport = (id: number): Promise<GroupReportDetail> =>
  call(api.GET('/api/v1/supervision/group/reports/{escalation_id}', escalation(id)));

export const groupCase = (id: number): CaseActions => ({
  acknowledge: () => call(api.POST('/api/v1/supervision/group/reports/{escalation_id}/acknowledge', escalation(id))),
  decline: (reason) =>
    call(
      api.POST('/api/v1/supervision/group/reports/{escalation_id}/decline', { ...escalation(id), body: { reason } }),
    ),
  message: (body) =>
    call(api.POST('/api/v1/supervision/group/reports/{escalation_id}/messages', { ...escalation(id), body: { body } })),
  extend: (days, reason) =>
    call(
      api.POST('/api/v1/supervision/group/reports/{escalation_id}/extend', {
        ...escalation(id),
        body: { days, reason },
      }),
    ),
  close: (result) =>
    call(api.POST('/api/v1/supervision/group/reports/{escalation_id}/close', { ...escalation(id), body: { result } })),
  feedback: (body) =>
    call(api.POST('/api/v1/supervision/group/reports/{escalation_id}/feedback', { ...escalation(id), body: { body } })),
});

// ---------------------------------------------------------------- 询问·质询: inquiries

/** Whom I may ask: my organization and its ancestors (the nearest committee marked `default`). */
export const askableOrganizations = (): Promise<InquiryOrganization[]> =>
  call(api.GET('/api/v1/supervision/inquiries/organizations'));
export const askInquiry = (body: InquiryAsk): Promise<Inquiry> =>
  call(api.POST('/api/v1/supervision/inquiries', { body }));
export const listMyInquiries = (page = 1, page_size = 50) =>
  call(api.GET('/api/v1/supervision/inquiries/mine', { params: { query: { page, page_size } } }));
export const getInquiry = (id: number): Promise<Inquiry> =>
  call(api.GET('/api/v1/supervision/inquiries/{inquiry_id}', inquiry(id)));
export const rateInquiry = (id: number, satisfied: boolean): Promise<Inquiry> =>
  call(api.POST('/api/v1/supervision/inquiries/{inquiry_id}/satisfaction', { ...inquiry(id), body: { satisfied } }));
export const listInquiries = (query: Query<'/api/v1/supervision/inquiries'>) =>
  call(api.GET('/api/v1/supervision/inquiries', { params: { query } }));
export const answerInquiry = (id: number, answer: string): Promise<Inquiry> =>
  call(api.POST('/api/v1/supervision/inquiries/{inquiry_id}/answer', { ...inquiry(id), body: { answer } }));
