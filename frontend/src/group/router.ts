import { createAppRouter } from '@/shared/router';
import { useSessionStore } from '@/stores/session';

type Session = ReturnType<typeof useSessionStore>;
const staff = (session: Session) => session.isGroupStaff;
const admin = (session: Session) => session.isGroupAdmin;
const inspector = (session: Session) => session.groupRoles.includes('group_inspector');

/** The group dashboard on the root host: Django serves group.html for every non-API path. */
export const router = createAppRouter({
  base: '/',
  app: 'group',
  login: () => import('./views/LoginView.vue'),
  routes: [
    {
      path: '/',
      component: () => import('./GroupLayout.vue'),
      children: [
        {
          path: '',
          name: 'dashboard',
          component: () => import('./views/DashboardView.vue'),
          meta: { title: 'group.nav.dashboard' },
          // Staff see the overview; the group's inspectors their reports; everyone else the application form.
          beforeEnter: () => {
            const session = useSessionStore();
            if (session.isGroupStaff) return true;
            return inspector(session) ? { name: 'group-reports' } : { name: 'apply' };
          },
        },
        {
          path: 'tenants',
          name: 'tenants',
          component: () => import('./views/TenantsView.vue'),
          meta: { allow: staff, title: 'group.nav.tenants' },
        },
        {
          path: 'tenants/new',
          name: 'provision',
          component: () => import('./views/ProvisionView.vue'),
          meta: { allow: admin, title: 'group.nav.provision' },
        },
        {
          path: 'applications',
          name: 'applications',
          component: () => import('./views/ApplicationsView.vue'),
          meta: { allow: staff, title: 'group.nav.applications' },
        },
        {
          path: 'roster',
          name: 'roster',
          component: () => import('./views/RosterView.vue'),
          meta: { allow: staff, title: 'group.nav.roster' },
        },
        {
          path: 'pocket-members',
          name: 'pocket-members',
          component: () => import('./views/PocketMembersView.vue'),
          meta: { allow: staff, title: 'group.nav.pocket' },
        },
        {
          path: 'shared-library',
          name: 'shared-library',
          component: () => import('./views/SharedLibraryView.vue'),
          meta: { allow: staff, title: 'group.nav.sharedLibrary' },
        },
        {
          path: 'dashboard/tenants/:tenantId(\\d+)',
          name: 'dashboard-tenant',
          component: () => import('./dashboard/TenantDrillView.vue'),
          meta: { allow: staff, title: 'dashboard.drill.organizations' },
        },
        {
          path: 'dashboard/tenants/:tenantId(\\d+)/organizations/:organizationId(\\d+)',
          name: 'dashboard-members',
          component: () => import('./dashboard/MembersDrillView.vue'),
          meta: { allow: staff, title: 'dashboard.drill.members' },
        },
        {
          path: 'live',
          name: 'live',
          component: () => import('./live/LessonsView.vue'),
          meta: { allow: staff, title: 'live.group.title' },
        },
        {
          path: 'live/:id(\\d+)/monitor',
          name: 'live-monitor',
          component: () => import('@/shared/live/MonitorView.vue'),
          props: { scope: 'group' },
          meta: { allow: admin, title: 'live.monitor.title' },
        },
        {
          path: 'live/:id(\\d+)/attendance',
          name: 'live-attendance',
          component: () => import('./live/AttendanceView.vue'),
          meta: { allow: staff, title: 'live.attendance.title' },
        },
        {
          path: 'live/sensitive-words',
          name: 'live-words',
          component: () => import('@/shared/live/SensitiveWordsPage.vue'),
          props: { group: true },
          meta: { allow: admin, title: 'live.words.groupTitle' },
        },
        {
          path: 'meetings',
          name: 'meetings',
          component: () => import('./meetings/ComplianceView.vue'),
          meta: { allow: staff, title: 'meetingsGroup.title' },
        },
        {
          path: 'meetings/tenants/:tenantId(\\d+)',
          name: 'meetings-tenant',
          component: () => import('./meetings/TenantMeetingsView.vue'),
          meta: { allow: staff, title: 'meetingsGroup.drill.title' },
        },
        {
          // 工作任务书: templates and progress (tabs), a template's editor, a subsidiary's book.
          path: 'task-books',
          name: 'task-books',
          component: () => import('./taskbooks/TaskBooksView.vue'),
          meta: { allow: staff, title: 'taskBooks.title' },
        },
        {
          path: 'task-books/templates/:id(\\d+)',
          name: 'task-book-template',
          component: () => import('./taskbooks/TemplateEditorView.vue'),
          meta: { allow: staff, title: 'taskBooks.group.editorTitle' },
        },
        {
          path: 'task-books/tenants/:tenantId(\\d+)/books/:bookId(\\d+)',
          name: 'task-book-tenant',
          component: () => import('./taskbooks/TenantBookView.vue'),
          meta: { allow: staff, title: 'taskBooks.title' },
        },
        {
          // 信访举报: the reports the group holds (routed to it, escalated as overdue), one case (audited).
          path: 'reports',
          name: 'group-reports',
          component: () => import('./supervision/reports/GroupReportsView.vue'),
          meta: { allow: inspector, title: 'reports.group.title' },
        },
        {
          path: 'reports/:id(\\d+)',
          name: 'group-report',
          component: () => import('./supervision/reports/GroupReportView.vue'),
          meta: { allow: inspector, title: 'reports.console.detail' },
        },
        {
          // 集团要闻: the group's own posts (written and published here) and accepted copies.
          path: 'exchange',
          name: 'exchange',
          component: () => import('./exchange/GroupNewsView.vue'),
          meta: { allow: staff, title: 'exchange.group.title' },
        },
        {
          // 党务公开 group-wide: the group's announcements; one announcement (editor, receipts per subsidiary and person).
          path: 'announcements',
          name: 'announcements',
          component: () => import('./supervision/AnnouncementsView.vue'),
          meta: { allow: staff, title: 'supervision.group.title' },
        },
        {
          path: 'announcements/:id(\\d+)',
          name: 'announcement',
          component: () => import('./supervision/AnnouncementView.vue'),
          props: (route) => ({ id: Number(route.params.id) }),
          meta: { allow: staff, title: 'supervision.group.title' },
        },
        {
          path: 'annual-report',
          name: 'annual-report',
          component: () => import('./views/AnnualReportView.vue'),
          meta: { allow: staff, title: 'dashboard.nav.annualReport' },
        },
        {
          path: 'audit',
          name: 'audit',
          component: () => import('./views/AuditView.vue'),
          meta: { allow: staff, title: 'console.audit.title' },
        },
        {
          path: 'apply',
          name: 'apply',
          component: () => import('./views/ApplyView.vue'),
          meta: { title: 'group.nav.apply' },
        },
        {
          path: 'forbidden',
          name: 'forbidden',
          component: () => import('./views/ForbiddenView.vue'),
        },
      ],
    },
  ],
});
