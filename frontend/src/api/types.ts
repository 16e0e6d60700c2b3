/**
 * Short names for the API's schemas (generated in schema.d.ts) and a few the schema lacks.
 * Enums are taken from the objects that use them: drf-spectacular renames enum components
 * when another model gains a field of the same name.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Me = Omit<Schemas['Me'], 'current_tenant'> & { current_tenant: CurrentTenant | null };
export type TenantLink = Schemas['TenantLink'];
export type Tenant = Schemas['PartyCommittee'];
export type TenantStatus = Tenant['status'];
export type TenantApplication = Schemas['TenantApplication'];
export type ApplicationStatus = TenantApplication['status'];
export type RoleAssignment = Schemas['RoleAssignment'];
export type TenantRole = RoleAssignment['role'];
export type AuditEvent = Schemas['AuditEvent'];
export type AuditAction = AuditEvent['action'];
export type TenantSettings = Schemas['TenantSettings'];
export type AppLocaleCode = NonNullable<TenantSettings['locale']>;

/** `/me`'s `current_tenant` (the schema has it as a free-form object). */
export interface CurrentTenant {
  id: number;
  name: string;
  slug: string;
  roles: TenantRole[];
  locale: AppLocaleCode;
}

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
