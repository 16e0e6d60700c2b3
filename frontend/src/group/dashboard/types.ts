/** Short names for the group dashboard's API shapes (schema.d.ts); the annual report's are in @/shared/reports. */
import type { components } from '@/api/schema';

type Schemas = components['schemas'];

export type Dashboard = Schemas['Dashboard'];
export type DashboardFigure = Schemas['Figure'];
export type FigureKey = Schemas['FigureEnum'];
export type TenantRow = Schemas['TenantRow'];
export type Threshold = Schemas['Threshold'];
export type Trends = Schemas['Trends'];
export type Compliance = Schemas['Compliance'];
export type ComplianceRow = Schemas['ComplianceRow'];
export type OrganizationRow = Schemas['OrganizationRow'];
export type MemberRow = Schemas['MemberRow'];
export type DriftReport = Schemas['DriftReport'];
export type Light = 'green' | 'amber' | 'red' | 'none';
/** Figure values by key (null: not applicable, e.g. a rate without a base). */
export type FigureValues = Record<string, number | null>;
