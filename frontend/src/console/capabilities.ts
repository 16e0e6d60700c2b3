import {
  ChatDotRound,
  ChatDotSquare,
  ChatLineSquare,
  Bell,
  Document,
  Finished,
  List,
  Postcard,
  Flag,
  Histogram,
  Lock,
  House,
  LocationInformation,
  Coin,
  Medal,
  Message,
  Money,
  Notebook,
  OfficeBuilding,
  Reading,
  Setting,
  Sort,
  Tickets,
  Upload,
  User,
  UserFilled,
  VideoCamera,
} from '@element-plus/icons-vue';
import type { Component } from 'vue';

import type { TenantCapability } from '@/api/types';

/** One console page in the menu: where it is, which capability opens it, its label and icon. */
export interface ConsolePage {
  to: string;
  capability: TenantCapability;
  label: string;
  icon: Component;
}

/**
 * The console's pages in menu order. Which ones a user sees comes from the capabilities of
 * their roles here (`/me` → `current_tenant.capabilities`, one table on the server), so the
 * menu, the route guard and the APIs agree.
 */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { to: '/workbench', capability: 'workbench', label: 'console.workbench.title', icon: House },
  // 信访举报 first for the discipline inspectors: their console lands there.
  { to: '/reports', capability: 'reports', label: 'reports.console.title', icon: Lock },
  { to: '/organizations', capability: 'organizations', label: 'console.nav.organizations', icon: OfficeBuilding },
  { to: '/members', capability: 'members', label: 'console.nav.members', icon: UserFilled },
  { to: '/members/import', capability: 'member_imports', label: 'console.nav.imports', icon: Upload },
  { to: '/transfers', capability: 'transfers', label: 'console.nav.transfers', icon: Sort },
  { to: '/development', capability: 'development', label: 'console.nav.development', icon: Flag },
  { to: '/dues', capability: 'dues', label: 'console.nav.dues', icon: Money },
  { to: '/annual-report', capability: 'annual_report', label: 'dashboard.nav.annualReport', icon: Histogram },
  { to: '/learning', capability: 'learning', label: 'console.nav.learning', icon: Reading },
  { to: '/live', capability: 'live', label: 'live.title', icon: VideoCamera },
  { to: '/meetings', capability: 'meetings', label: 'meetings.title', icon: Notebook },
  { to: '/task-books', capability: 'task_books', label: 'taskBooks.title', icon: Tickets },
  { to: '/evaluation', capability: 'evaluations', label: 'evaluation.title', icon: Medal },
  { to: '/points', capability: 'points', label: 'points.title', icon: Coin },
  { to: '/exchange', capability: 'exchange', label: 'exchange.console.title', icon: ChatDotSquare },
  { to: '/moderation', capability: 'exchange', label: 'moderation.title', icon: ChatLineSquare },
  { to: '/announcements', capability: 'announcements', label: 'supervision.nav.announcements', icon: Bell },
  { to: '/publicity', capability: 'publicity', label: 'supervision.nav.publicity', icon: Postcard },
  { to: '/surveys', capability: 'surveys', label: 'supervision.nav.surveys', icon: List },
  { to: '/votes', capability: 'votes', label: 'supervision.nav.votes', icon: Finished },
  { to: '/inquiries', capability: 'inquiries', label: 'inquiries.console.title', icon: ChatDotRound },
  { to: '/pocket-members', capability: 'pocket_members', label: 'console.nav.pocket', icon: LocationInformation },
  { to: '/deliveries', capability: 'deliveries', label: 'notify.deliveries.title', icon: Message },
  { to: '/settings', capability: 'settings', label: 'console.nav.settings', icon: Setting },
  { to: '/roles', capability: 'roles', label: 'console.nav.roles', icon: User },
  { to: '/audit', capability: 'audit', label: 'console.nav.audit', icon: Document },
];

/** The pages ``capabilities`` open, in menu order. */
export function pagesFor(capabilities: readonly TenantCapability[]): ConsolePage[] {
  return CONSOLE_PAGES.filter((page) => capabilities.includes(page.capability));
}

/** Where signing in lands: the workbench when it is open, else the first page; null: no console page (the portal). */
export function homeFor(capabilities: readonly TenantCapability[]): string | null {
  return pagesFor(capabilities)[0]?.to ?? null;
}
