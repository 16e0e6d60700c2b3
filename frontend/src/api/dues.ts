/**
 * Party dues (党费) API: bases, the monthly assessment and its payments, exemptions, arrears,
 * voluntary payments, remittances, the ledger and the annual report; the member's own online
 * payments (portal). Each function is one operation of `schema.d.ts`, typed by its path.
 */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type {
  AnnualReport,
  AssessmentRun,
  DuesAssessment,
  DuesBase,
  Exemption,
  LedgerRow,
  OnlinePayment,
  Remittance,
  StartedPayment,
  VoluntaryPayment,
} from './types';

export type BaseBody = Body<'/api/v1/dues/bases'>;
export type ExemptionBody = Body<'/api/v1/dues/exemptions'>;
export type VoluntaryBody = Body<'/api/v1/dues/voluntary-payments'>;
export type RemittanceBody = Body<'/api/v1/dues/remittances'>;
export type PaymentBody = Body<'/api/v1/dues/assessments/pay'>;

const byId = (id: number) => ({ params: { path: { id } } });

// ---- bases
export const listBases = (query: Query<'/api/v1/dues/bases'>) =>
  call(api.GET('/api/v1/dues/bases', { params: { query } }));
export const createBase = (body: BaseBody): Promise<DuesBase> => call(api.POST('/api/v1/dues/bases', { body }));

// ---- assessments
export const listAssessments = (query: Query<'/api/v1/dues/assessments'> & { month?: string }) =>
  call(api.GET('/api/v1/dues/assessments', { params: { query } }));
/** 核定: assess `month` (YYYY-MM) for every member. */
export const runAssessment = (month: string): Promise<AssessmentRun> =>
  call(api.POST('/api/v1/dues/assessments/run', { body: { month } }));
/** Record a payment collected offline for some months of a member. */
export const recordPayment = (body: PaymentBody) => call(api.POST('/api/v1/dues/assessments/pay', { body }));
export async function annualReport(year: number): Promise<AnnualReport> {
  // The schema describes the report loosely; `AnnualReport` is its shape.
  return (await call(
    api.GET('/api/v1/dues/assessments/annual', { params: { query: { year } } }),
  )) as unknown as AnnualReport;
}
/**
 * The month's ledger. The schema lists no query parameter for it (`month` is in the API, not
 * in its schema): the same client, session and error handling over a loosely typed GET.
 */
export async function ledger(month: string): Promise<LedgerRow[]> {
  type LooseGet = (path: string, init: { params: { query: Record<string, unknown> } }) => ReturnType<typeof api.GET>;
  const get = api.GET as unknown as LooseGet;
  const data = (await call(get('/api/v1/dues/assessments/ledger', { params: { query: { month } } }))) as unknown;
  return (data as { rows: LedgerRow[] }).rows;
}
/** The member's own assessments: the last 36 months, newest first (not paginated). */
export async function myAssessments(): Promise<DuesAssessment[]> {
  return (await call(api.GET('/api/v1/dues/assessments/mine'))) as DuesAssessment[];
}

// ---- exemptions (four eyes: one asks, another approves)
export const listExemptions = (query: Query<'/api/v1/dues/exemptions'>) =>
  call(api.GET('/api/v1/dues/exemptions', { params: { query } }));
export const requestExemption = (body: ExemptionBody): Promise<Exemption> =>
  call(api.POST('/api/v1/dues/exemptions', { body }));
export const decideExemption = (id: number, approve: boolean) =>
  call(
    approve
      ? api.POST('/api/v1/dues/exemptions/{id}/approve', byId(id))
      : api.POST('/api/v1/dues/exemptions/{id}/reject', byId(id)),
  );

// ---- arrears, voluntary payments, remittances
export const listArrears = (query: Query<'/api/v1/dues/arrears'>) =>
  call(api.GET('/api/v1/dues/arrears', { params: { query } }));
export const listVoluntaryPayments = (query: Query<'/api/v1/dues/voluntary-payments'>) =>
  call(api.GET('/api/v1/dues/voluntary-payments', { params: { query } }));
export const createVoluntaryPayment = (body: VoluntaryBody): Promise<VoluntaryPayment> =>
  call(api.POST('/api/v1/dues/voluntary-payments', { body }));
export const listRemittances = (query: Query<'/api/v1/dues/remittances'>) =>
  call(api.GET('/api/v1/dues/remittances', { params: { query } }));
export const createRemittance = (body: RemittanceBody): Promise<Remittance> =>
  call(api.POST('/api/v1/dues/remittances', { body }));

// ---- online payments (portal)
export async function listOnlinePayments(query: Query<'/api/v1/dues/online-payments'>) {
  const page = await call(api.GET('/api/v1/dues/online-payments', { params: { query } }));
  // The schema has `months` as a free-form list; the API answers month strings.
  return { ...page, results: page.results as OnlinePayment[] };
}
export const startOnlinePayment = (months: string[]): Promise<StartedPayment> =>
  call(api.POST('/api/v1/dues/online-payments', { body: { months } }));
export const completeSandboxPayment = (id: number, signature: string) =>
  call(api.POST('/api/v1/dues/online-payments/{id}/sandbox-complete', { ...byId(id), body: { signature } }));
