/**
 * Short names for the API's schemas (generated in schema.d.ts) and a few the schema lacks.
 * Enums are taken from the objects that use them: drf-spectacular renames enum components
 * when another model gains a field of the same name.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Me = Omit<Schemas['Me'], 'current_tenant'> & { current_tenant: CurrentTenant | null };
export type TenantLink = Schemas['TenantLink'];
/** 202 from a sign-in: a code (`step: 'code'`) or an enrolment (`'enrol'`) is still needed. */
export type MfaChallenge = Schemas['MfaChallenge'];
export type TotpEnrolment = Schemas['TotpEnrolment'];
export type MfaStatus = Schemas['MfaStatus'];
export type MeWithRecoveryCodes = Omit<Schemas['MeWithRecoveryCodes'], 'current_tenant'> & {
  current_tenant: CurrentTenant | null;
};
export type Tenant = Schemas['PartyCommittee'];
export type TenantStatus = Tenant['status'];
export type TenantApplication = Schemas['TenantApplication'];
export type ApplicationStatus = TenantApplication['status'];
export type RoleAssignment = Schemas['RoleAssignment'];
export type TenantRole = RoleAssignment['role'];
export type AuditEvent = Schemas['AuditEvent'];
export type AuditAction = AuditEvent['action'];
export type AuditCatalog = Schemas['AuditCatalog'];
export type TenantSettings = Schemas['TenantSettings'];
export type AppLocaleCode = NonNullable<TenantSettings['locale']>;

/** A console page the caller's roles open in this tenant (`tenants/access/capabilities.py`). */
export type TenantCapability =
  | 'workbench'
  | 'organizations'
  | 'members'
  | 'member_imports'
  | 'transfers'
  | 'development'
  | 'dues'
  | 'annual_report'
  | 'learning'
  | 'live'
  | 'meetings'
  | 'task_books'
  | 'evaluations'
  | 'points'
  | 'announcements'
  | 'publicity'
  | 'surveys'
  | 'votes'
  | 'reports'
  | 'inquiries'
  | 'pocket_members'
  | 'deliveries'
  | 'settings'
  | 'roles'
  | 'audit';

/** `/me`'s `current_tenant` (the schema has it as a free-form object). */
export interface CurrentTenant {
  id: number;
  name: string;
  slug: string;
  roles: TenantRole[];
  capabilities: TenantCapability[];
  locale: AppLocaleCode;
}

export type Workbench = Schemas['Workbench'];
export type WorkbenchTodo = Schemas['WorkbenchTodo'];
export type WorkbenchFigure = Schemas['WorkbenchFigure'];
export type WorkbenchLink = Schemas['WorkbenchLink'];

/** `/site` (the schema lacks `locale`). */
export interface SiteInfo {
  name: string;
  kind: 'group' | 'subsidiary';
  locale: AppLocaleCode;
}

export interface Page<T> {
  count: number;
  next?: string | null;
  previous?: string | null;
  results: T[];
}

export type GroupSummary = Schemas['GroupSummary'];

/** A notification (the schema marks the timestamps optional; the API always sends them). */
export type Notification = Schemas['Notification'] & { created_at: string; read_at: string | null };

/** What the server pushes on `/ws/notifications`. */
export type RealtimeMessage =
  | { type: 'hello'; tenant: string; unread: number }
  | { type: 'notification'; notification: Notification; unread: number }
  | { type: 'pong' };

// ---- party organizations, members, imports, transfers, pocket members, roster
export type Organization = Schemas['Organization'];
export type OrganizationKind = Organization['kind'];
export type Member = Schemas['Member'];
export type MemberStatus = NonNullable<Member['status']>;
export type Membership = Member['membership'];
export type DuesCategory = Member['dues_category'];
export type Gender = Member['gender'];
export type MemberImport = Schemas['MemberImport'];
export type ImportStatus = NonNullable<MemberImport['status']>;
export type Transfer = Schemas['Transfer'];
export type TransferKind = Transfer['kind'];
export type TransferStatus = Transfer['status'];
export type PocketCase = Schemas['PocketCase'];
export type RosterEntry = Schemas['RosterEntry'];

/** `/organizations/kinds` (the schema has the items as free-form objects). */
export interface OrganizationKindInfo {
  value: OrganizationKind;
  label: string;
  children: OrganizationKind[];
}

/** `/transfers/destinations` items. */
export interface TransferDestination {
  id: number;
  name: string;
  slug: string;
}

/** A row error of an import (member or roster spreadsheet). */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

/**
 * An import's column-mapping step (`POST …/columns`, or the `proposal` of a 400 `sheets.mapping_required`):
 * the sheet's columns with the proposed field of each (`ignore` for none), the first rows, the fields, the missing ones.
 */
export type SheetMappingProposal = Schemas['SheetProposal'];

/** `/members/counts` rows. */
export interface MemberCountRow {
  organization: number;
  name: string;
  kind: OrganizationKind;
  full: number;
  probationary: number;
  total: number;
}

/**
 * One entry of `/organizations/{id}/history` or `/members/{id}/history`. The schema calls
 * these paginated; the API answers a plain array (see `historyRows`).
 */
export interface HistoryEntry {
  id: number;
  kind: string;
  detail?: Record<string, unknown>;
  changes?: Record<string, unknown>;
  effective_on?: string;
  actor: { id: number; name: string } | null;
  created_at: string;
}

// ---- member development (发展党员)
export type DevelopmentCase = Schemas['Case'];
export type DevelopmentStage = DevelopmentCase['stage'];
export type CaseStep = Schemas['Step'];
/** Members with voting rights in a branch on a meeting date, from the records (steps 15 and 23). */
export type VotingRoll = Schemas['VotingRoll'];
export type ProbationQuarter = Schemas['ProbationQuarter'];
/** 留党察看: a period without voting rights. */
export type DisciplinaryProbation = Schemas['DisciplinaryProbation'];

/** A row of `/development/cases/step-table`: a step and the inputs its form asks for. */
export type StepInfo = Schemas['StepInfo'];

/** A case's `deadlines` items. */
export interface Deadline {
  code: string;
  label: string;
  due_on: string;
  days_left: number;
}

/** `/development/cases/todo` items. */
export interface TodoItem extends Deadline {
  case: number;
  name: string;
  organization: string;
}

// ---- dues (党费)
export type DuesAssessment = Schemas['Assessment'];
export type AssessmentStatus = DuesAssessment['status'];
export type AssessmentRun = Schemas['AssessmentRun'];
export type DuesBase = Schemas['DuesBase'];
export type Exemption = Schemas['Exemption'];
export type ExemptionStatus = Exemption['status'];
export type ArrearsNotice = Schemas['ArrearsNotice'];
export type ArrearsLevel = ArrearsNotice['level'];
export type VoluntaryPayment = Schemas['Voluntary'];

/** `/dues/assessments/ledger` rows (free-form objects in the schema). */
export interface LedgerRow {
  organization: number;
  name: string;
  members_due: number;
  amount_due: string;
  amount_paid: string;
  /** members whose dues someone else paid */
  paid_on_behalf: number;
  arrears: string;
  exempt: number;
}

/** `/dues/assessments/annual` (年度公开). */
export interface AnnualMonth {
  month: string;
  amount_due: string;
  amount_paid: string;
  arrears: string;
  voluntary: string;
}
export interface AnnualReport {
  year: number;
  months: AnnualMonth[];
  totals: Partial<Omit<AnnualMonth, 'month'>>;
}

export type Remittance = Schemas['Remittance'];

/** `/dues/online-payments` (sandbox provider); the schema has `months` untyped: YYYY-MM strings. */
export type OnlinePayment = Omit<Schemas['OnlinePayment'], 'months'> & { months: string[] };
export type StartedPayment = Schemas['StartedPayment'];

// ---- learning platform (学习平台) and search
export type LearningCategory = Schemas['Category'];
export type LearningResource = Schemas['Resource'];
export type ResourceKind = LearningResource['kind'];
export type ResourceStatus = LearningResource['status'];
export type MediaStatus = LearningResource['media_status'];
export type ShowcaseStatus = LearningResource['showcase_status'];
export type ContentMarking = LearningResource['marking'];
export type LibraryItem = Schemas['LibraryItem'];
export type LibrarySource = LibraryItem['source'];
export type ShowcaseProposal = Schemas['ShowcaseProposal'];
export type Regulation = Schemas['Regulation'];
export type RegulationArticle = Schemas['RegulationArticle'];
export type ReadableRegulation = Schemas['ReadableRegulation'];
export type RegulationReader = Schemas['RegulationReader'];
export type Course = Schemas['Course'];
export type CourseProgress = Schemas['CourseProgress'];
export type QuestionBank = Schemas['QuestionBank'];
export type Question = Schemas['Question'];
export type QuestionKind = Question['kind'];
export type Quiz = Schemas['Quiz'];
export type QuizResult = Schemas['QuizResult'];
export type QuizAttempt = Schemas['Attempt'];
export type AttemptQuestion = Schemas['AttemptQuestion'];
export type MyStudy = Schemas['MyStudy'];
export type StudyRecord = Schemas['StudyRecord'];
export type StudyReportRow = Schemas['StudyReportRow'];
export type SearchResponse = Schemas['SearchResponse'];
export type SearchRow = Schemas['SearchRow'];
export type FacetValue = Schemas['FacetValue'];
export type LibraryPage = Schemas['LibraryPage'];
export type LibraryRow = Schemas['LibraryRow'];
export type ReindexJob = Schemas['ReindexJob'];

export type NotificationSettings = Schemas['NotificationSettings'];
export type NotificationKindName = Schemas['NotificationKindEnum'];
export type NotificationChannelName = Schemas['NotificationChannelEnum'];
export type NotificationDelivery = Schemas['NotificationDelivery'];
export type DeliveryStatus = Schemas['DeliveryStatusEnum'];
