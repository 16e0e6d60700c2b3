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

export type ReportUnit = {
  id: number;
  name: string;
  parent_id: number | null;
  depth: number;
};

export type ReportFiling = {
  kind: ReportKind;
  anonymous: boolean;
  accused_organization: number;
  accused_name: string;
  subject: string;
  content: string;
  reporter_name?: string;
  reporter_contact: string;
};

export type FiledReport = {
  number: string;
  tracking_code: string;
  received_at: string;
  acknowledge_due: string;
};

export type ReportMessage = {
  id: number;
  author_kind: MessageAuthor;
  body: string;
  created_at: string;
};

export type ReportAttachment = {
  id: number;
  name: string;
  content_type: string;
  size: number | null;
  from_reporter: boolean;
  added_at: string;
};

export type ReportEvent = {
  kind: string;
  actor: string;
  note: string;
  at: string;
};

export type TrackedReport = {
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
};

export type ReportRow = {
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
};

export type ReportDetail = ReportRow & {
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
};

export type UploadStarted = {
  upload: string;
  post: { url: string; fields: Record<string, string> };
  expires_at: string;
};

/** A report the group holds: routed to it, or escalated as overdue (no content). */
export type GroupReport = {
  id: number;
  tenant_schema: string;
  tenant_name: string;
  number: string;
  overdue: 'routed' | OverdueKind;
  due_on: string;
  escalated_at: string;
  resolved_at: string | null;
};

export type GroupReportDetail = ReportDetail & {
  tenant_name: string;
};

export type Page<T> = {
  count: number;
  results: T[];
};

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

// ---------------------------------------------------------------- group (root host, the group's inspectors)

export const listGroupReports = (query: {
  page: number;
  page_size: number;
  open?: boolean;
}): Promise<Page<GroupReport>> => getJson(`${BASE}/group/reports`, query);
export const getGroupReport = (id: number): Promise<GroupReportDetail> => getJson(`${BASE}/group/reports/${id}`);
const groupCase = (id: number, action: string, body: unknown = {}) =>
  postJson<GroupReportDetail>(`${BASE}/group/reports/${id}/${action}`, body);

/** The case actions, on either side: the subsidiary's inspectors (by report id) or the group's (by its row id). */
export interface CaseActions {
  acknowledge(): Promise<unknown>;
  decline(reason: string): Promise<unknown>;
  message(body: string): Promise<unknown>;
  extend(days: number, reason: string): Promise<unknown>;
  close(result: string): Promise<unknown>;
  feedback(body: string): Promise<unknown>;
  download?(attachmentId: number): Promise<{ url: string }>;
}

export const tenantCase = (id: number): CaseActions => ({
  acknowledge: () => acknowledgeReport(id),
  decline: (reason) => declineReport(id, reason),
  message: (body) => askReporter(id, body),
  extend: (days, reason) => extendReport(id, days, reason),
  close: (result) => closeReport(id, result),
  feedback: (body) => feedBack(id, body),
  download: (attachmentId) => attachmentUrl(id, attachmentId),
});

export const groupCaseActions = (id: number): CaseActions => ({
  acknowledge: () => groupCase(id, 'acknowledge'),
  decline: (reason) => groupCase(id, 'decline', { reason }),
  message: (body) => postJson(`${BASE}/group/reports/${id}/messages`, { body }),
  extend: (days, reason) => groupCase(id, 'extend', { days, reason }),
  close: (result) => groupCase(id, 'close', { result }),
  feedback: (body) => groupCase(id, 'feedback', { body }),
});

// ---------------------------------------------------------------- 询问·质询: inquiries

export type InquiryStatus = 'open' | 'answered' | 'closed';

export type InquiryOrganization = {
  id: number;
  name: string;
  kind: string;
  default: boolean;
};

export type Inquiry = {
  id: number;
  is_challenge: boolean;
  asker_name: string;
  organization: InquiryOrganization;
  subject: string;
  body: string;
  status: InquiryStatus;
  asked_at: string;
  due_on: string;
  overdue: boolean;
  answer: string;
  answered_by: string;
  answered_at: string | null;
  escalated_at: string | null;
  escalated_to: InquiryOrganization | null;
  satisfied: boolean | null;
  closed_at: string | null;
  actions: ('answer' | 'rate')[];
};

export type InquiryAsk = {
  organization: number;
  is_challenge: boolean;
  subject: string;
  body: string;
};

export const askableOrganizations = (): Promise<InquiryOrganization[]> => getJson(`${BASE}/inquiries/organizations`);
export const askInquiry = (body: InquiryAsk): Promise<Inquiry> => postJson(`${BASE}/inquiries`, body);
export const listMyInquiries = (page = 1, page_size = 50): Promise<Page<Inquiry>> =>
  getJson(`${BASE}/inquiries/mine`, { page, page_size });
export const getInquiry = (id: number): Promise<Inquiry> => getJson(`${BASE}/inquiries/${id}`);
export const rateInquiry = (id: number, satisfied: boolean): Promise<Inquiry> =>
  postJson(`${BASE}/inquiries/${id}/satisfaction`, { satisfied });
export const listInquiries = (query: {
  page: number;
  page_size: number;
  status?: InquiryStatus;
  due?: 'overdue' | 'soon';
  organization?: number;
}): Promise<Page<Inquiry>> => getJson(`${BASE}/inquiries`, query);
export const answerInquiry = (id: number, answer: string): Promise<Inquiry> =>
  postJson(`${BASE}/inquiries/${id}/answer`, { answer });
