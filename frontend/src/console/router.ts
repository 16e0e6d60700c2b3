import { createAppRouter } from '@/shared/router';
import { useSessionStore } from '@/stores/session';

type Session = ReturnType<typeof useSessionStore>;
const admin = (session: Session) => session.hasTenantRole('tenant_admin');
// Discipline inspectors read the audit log (the API lets them); only admins change anything.
const auditor = (session: Session) => session.hasTenantRole('tenant_admin', 'discipline_inspector');

/** The admin console on a tenant host, under /console (Django serves console.html there). */
export const router = createAppRouter({
  base: '/console/',
  app: 'console',
  login: () => import('./views/LoginView.vue'),
  routes: [
    {
      path: '/',
      component: () => import('./ConsoleLayout.vue'),
      children: [
        {
          // Runs after the global guard has restored the session: inspectors only see the audit log.
          path: '',
          name: 'home',
          component: () => import('./views/SettingsView.vue'),
          beforeEnter: () => ({ name: admin(useSessionStore()) ? 'settings' : 'audit' }),
        },
        {
          path: 'settings',
          name: 'settings',
          component: () => import('./views/SettingsView.vue'),
          meta: { allow: admin, title: 'console.nav.settings' },
        },
        {
          path: 'roles',
          name: 'roles',
          component: () => import('./views/RolesView.vue'),
          meta: { allow: admin, title: 'console.nav.roles' },
        },
        {
          path: 'audit',
          name: 'audit',
          component: () => import('./views/AuditView.vue'),
          meta: { allow: auditor, title: 'console.nav.audit' },
        },
        {
          path: 'organizations',
          name: 'organizations',
          component: () => import('./views/OrganizationsView.vue'),
          meta: { allow: admin, title: 'console.nav.organizations' },
        },
        {
          path: 'members',
          name: 'members',
          component: () => import('./views/MembersView.vue'),
          meta: { allow: admin, title: 'console.nav.members' },
        },
        {
          path: 'members/import',
          name: 'member-imports',
          component: () => import('./views/ImportView.vue'),
          meta: { allow: admin, title: 'console.nav.imports' },
        },
        {
          path: 'transfers',
          name: 'transfers',
          component: () => import('./views/TransfersView.vue'),
          meta: { allow: admin, title: 'console.nav.transfers' },
        },
        {
          path: 'development',
          name: 'development',
          component: () => import('./views/DevelopmentView.vue'),
          meta: { allow: admin, title: 'console.nav.development' },
        },
        {
          path: 'development/:id(\\d+)',
          name: 'development-case',
          component: () => import('./views/DevelopmentCaseView.vue'),
          meta: { allow: admin, title: 'console.development.caseTitle' },
        },
        {
          path: 'dues',
          name: 'dues',
          component: () => import('./views/DuesView.vue'),
          meta: { allow: admin, title: 'console.nav.dues' },
        },
        {
          path: 'learning',
          name: 'learning',
          component: () => import('./views/LearningView.vue'),
          meta: { allow: admin, title: 'console.nav.learning' },
        },
        {
          path: 'annual-report',
          name: 'annual-report',
          component: () => import('./views/AnnualReportView.vue'),
          meta: { allow: admin, title: 'dashboard.nav.annualReport' },
        },
        {
          path: 'deliveries',
          name: 'deliveries',
          component: () => import('./views/DeliveriesView.vue'),
          meta: { allow: admin, title: 'notify.deliveries.title' },
        },
        {
          path: 'pocket-members',
          name: 'pocket-members',
          component: () => import('./views/PocketMembersView.vue'),
          meta: { allow: admin, title: 'console.nav.pocket' },
        },
        // Old bookmarks of the placeholders.
        { path: 'soon/:module(organizations|members)', redirect: (to) => `/${String(to.params.module)}` },
        {
          path: 'forbidden',
          name: 'forbidden',
          component: () => import('./views/ForbiddenView.vue'),
        },
      ],
    },
  ],
});
