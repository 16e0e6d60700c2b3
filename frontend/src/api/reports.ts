/**
 * 网上信访举报 (reports and petitions) and 询问·质询 (inquiries), `tenants.supervision`: the public
 * form and tracking (no session: the tracking code travels in POST bodies only), the inspectors'
 * console, the group's escalations, and the members' inquiries.
 *
 * PROVISIONAL: typed by hand until breport's API contract lands in schema.d.ts.
 */
import { errorFromResponse, networkError } from './errors';
import { getJson, postJson } from './untyped';

export type ReportKind = 'report' | 'petition';
export type ReportStatus = 'received' | 'acknowledged' | 'extended' | 'closed' | 'declined';
export type MessageAuthor = 'reporter' | 'inspector';
export type OverdueKind = 'acknowledge' | 'close' | 'feedback';
export type ReportAction = 'acknowledge' | 'decline' | 'message' | 'extend' | 'close' | 'feedback' | 'attach';

export interface ReportUnit {
  id: number;
  name: string;
  parent_id: number | null;
  depth: number;
}

export interface ReportFiling {
  kind: ReportKind;
  anonymous: boolean;
  accused_organization: number;
  accused_name: string;
  subject: string;
  content: string;
  reporter_name?: string;
  reporter_contact: string;
}

export interface FiledReport {
  number: string;
  tracking_code: string;
  received_at: string;
  acknowledge_due: string;
}

export interface ReportMessage {
  id: number;
  author_kind: MessageAuthor;
  body: string;
  created_at: string;
}

export interface ReportAttachment {
  id: number;
  name: string;
  content_type: string;
  size: number | null;
  from_reporter: boolean;
  added_at: string;
}

export interface ReportEvent {
  kind: string;
  actor: string;
  note: string;
  at: string;
}

export interface TrackedReport {
  number: string;
  kind: ReportKind;
  status: ReportStatus;
  received_at: string;
  acknowledge_due: string;
  acknowledged_at: string | null;
  close_due: string | null;
  extended_days: number;
  closed_at: string | null;
  fed_back_at: string | null;
  result: string | null;
  messages: ReportMessage[];
  attachments: ReportAttachment[];
}

export interface ReportRow {
  id: number;
  number: string;
  kind: ReportKind;
  anonymous: boolean;
  subject: string;
  status: ReportStatus;
  to_group: boolean;
  received_at: string;
  acknowledge_due: string;
  acknowledged_at: string | null;
  close_due: string | null;
  extended_days: number;
  closed_at: string | null;
  feedback_due: string | null;
  fed_back_at: string | null;
  overdue: OverdueKind | null;
  next_due: string | null;
}

export interface ReportDetail extends ReportRow {
  accused_organization: { id: number; name: string };
  routed_organization: { id: number; name: string } | null;
  accused_name: string;
  content: string;
  reporter_name: string;
  reporter_contact: string;
  extension_reason: string;
  result: string;
  messages: ReportMessage[];
  attachments: ReportAttachment[];
  events: ReportEvent[];
  extension_max_days: number;
  actions: ReportAction[];
}

export interface UploadStarted {
  upload: string;
  post: { url: string; fields: Record<string, string> };
  expires_at: string;
}

export interface Escalation {
  id: number;
  tenant_schema: string;
  tenant_name: string;
  report_uuid: string;
  number: string;
  overdue: OverdueKind;
  due_on: string;
  escalated_at: string;
  resolved_at: string | null;
}

export interface Page<T> {
  count: number;
  results: T[];
}

const BASE = '/api/v1/supervision';

// ---------------------------------------------------------------- public: filing and tracking

export const listReportUnits = (): Promise<ReportUnit[]> => getJson(`${BASE}/reports/units`);
export const fileReport = (body: ReportFiling): Promise<FiledReport> => postJson(`${BASE}/reports`, body);
export const trackReport = (code: string): Promise<TrackedReport> => postJson(`${BASE}/reports/track`, { code });
export const answerReport = (code: string, body: string): Promise<ReportMessage> =>
  postJson(`${BASE}/reports/track/answer`, { code, body });

/**
 * Upload one file of evidence with the tracking code as the credential: the API hands out a
 * presigned POST bound to the report, the browser sends the bytes to the store, the API verifies
 * the object and attaches it.
 */
export async function uploadReportAttachment(code: string, file: File): Promise<ReportAttachment> {
  const started = await postJson<UploadStarted>(`${BASE}/reports/track/attachments`, {
    code,
    filename: file.name,
    content_type: file.type || 'application/octet-stream',
    size: file.size,
  });
  await sendToStore(started, file);
  return postJson(`${BASE}/reports/track/attachments/complete`, { code, upload: started.upload });
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

export interface ReportQuery {
  [name: string]: string | number | boolean | undefined;
  page: number;
  page_size: number;
  status?: ReportStatus;
  overdue?: boolean;
}
export const listReports = (query: ReportQuery): Promise<Page<ReportRow>> => getJson(`${BASE}/reports`, query);
export const getReport = (id: number): Promise<ReportDetail> => getJson(`${BASE}/reports/${id}`);
export const acknowledgeReport = (id: number): Promise<ReportDetail> =>
  postJson(`${BASE}/reports/${id}/acknowledge`, {});
export const declineReport = (id: number, reason: string): Promise<ReportDetail> =>
  postJson(`${BASE}/reports/${id}/decline`, { reason });
export const askReporter = (id: number, body: string): Promise<ReportMessage> =>
  postJson(`${BASE}/reports/${id}/messages`, { body });
export const extendReport = (id: number, days: number, reason: string): Promise<ReportDetail> =>
  postJson(`${BASE}/reports/${id}/extend`, { days, reason });
export const closeReport = (id: number, result: string): Promise<ReportDetail> =>
  postJson(`${BASE}/reports/${id}/close`, { result });
export const feedBack = (id: number, body: string): Promise<ReportDetail> =>
  postJson(`${BASE}/reports/${id}/feedback`, { body });
export const attachmentUrl = (id: number, attachmentId: number): Promise<{ url: string }> =>
  getJson(`${BASE}/reports/${id}/attachments/${attachmentId}`);

// ---------------------------------------------------------------- group

export const listEscalations = (page: number, page_size: number): Promise<Page<Escalation>> =>
  getJson(`${BASE}/group/escalations`, { page, page_size });
