import type { TenantCapability } from '@/api/types';
import { createAppRouter } from '@/shared/router';
import { useSessionStore } from '@/stores/session';

import { homeFor } from './capabilities';

type Session = ReturnType<typeof useSessionStore>;
// A page opens for the roles the server's capability table gives it (the menu asks the same).
const can = (capability: TenantCapability) => (session: Session) => session.capabilities.includes(capability);

/** The admin console on a tenant host, under /console (Django serves console.html there). */
export const router = createAppRouter({
  base: '/console/',
  app: 'console',
  login: () => import('./views/LoginView.vue'),
  routes: [
    {
      // The QR sign-in screen: a plain full-window page (no menu) for the room's screen.
      path: '/meetings/:id(\\d+)/sign-in-screen',
      name: 'meeting-signin-screen',
      component: () => import('./meetings/QrSignInView.vue'),
      meta: { allow: can('meetings'), title: 'meetings.qr.title' },
    },
    {
      path: '/',
      component: () => import('./ConsoleLayout.vue'),
      children: [
        {
          // Runs after the global guard has restored the session: the workbench for those who work
          // on organizations, the audit log for inspectors, "no access" (with a way to the portal) for members.
          path: '',
          name: 'home',
          component: () => import('./views/WorkbenchView.vue'),
          beforeEnter: () => homeFor(useSessionStore().capabilities) ?? { name: 'forbidden' },
        },
        {
          path: 'workbench',
          name: 'workbench',
          component: () => import('./views/WorkbenchView.vue'),
          meta: { allow: can('workbench'), title: 'console.workbench.title' },
        },
        {
          path: 'settings',
          name: 'settings',
          component: () => import('./views/SettingsView.vue'),
          meta: { allow: can('settings'), title: 'console.nav.settings' },
        },
        {
          path: 'roles',
          name: 'roles',
          component: () => import('./views/RolesView.vue'),
          meta: { allow: can('roles'), title: 'console.nav.roles' },
        },
        {
          path: 'audit',
          name: 'audit',
          component: () => import('./views/AuditView.vue'),
          meta: { allow: can('audit'), title: 'console.nav.audit' },
        },
        {
          path: 'organizations',
          name: 'organizations',
          component: () => import('./views/OrganizationsView.vue'),
          meta: { allow: can('organizations'), title: 'console.nav.organizations' },
        },
        {
          path: 'members',
          name: 'members',
          component: () => import('./views/MembersView.vue'),
          meta: { allow: can('members'), title: 'console.nav.members' },
        },
        {
          path: 'members/import',
          name: 'member-imports',
          component: () => import('./views/ImportView.vue'),
          meta: { allow: can('member_imports'), title: 'console.nav.imports' },
        },
        {
          path: 'transfers',
          name: 'transfers',
          component: () => import('./views/TransfersView.vue'),
          meta: { allow: can('transfers'), title: 'console.nav.transfers' },
        },
        {
          path: 'development',
          name: 'development',
          component: () => import('./views/DevelopmentView.vue'),
          meta: { allow: can('development'), title: 'console.nav.development' },
        },
        {
          path: 'development/:id(\\d+)',
          name: 'development-case',
          component: () => import('./views/DevelopmentCaseView.vue'),
          meta: { allow: can('development'), title: 'console.development.caseTitle' },
        },
        {
          path: 'dues',
          name: 'dues',
          component: () => import('./views/DuesView.vue'),
          meta: { allow: can('dues'), title: 'console.nav.dues' },
        },
        {
          path: 'learning',
          name: 'learning',
          component: () => import('./views/LearningView.vue'),
          meta: { allow: can('learning'), title: 'console.nav.learning' },
        },
        {
          path: 'live',
          name: 'live',
          component: () => import('./live/LessonsView.vue'),
          meta: { allow: can('live'), title: 'live.title' },
        },
        {
          path: 'live/:id(\\d+)/monitor',
          name: 'live-monitor',
          component: () => import('@/shared/live/MonitorView.vue'),
          meta: { allow: can('live'), title: 'live.monitor.title' },
        },
        {
          path: 'live/:id(\\d+)/attendance',
          name: 'live-attendance',
          component: () => import('./live/AttendanceView.vue'),
          meta: { allow: can('live'), title: 'live.attendance.title' },
        },
        {
          // This tenant's part of a group lesson's attendance.
          path: 'live/group/:id(\\d+)/attendance',
          name: 'live-group-attendance',
          component: () => import('./live/AttendanceView.vue'),
          meta: { allow: can('live'), title: 'live.attendance.title' },
        },
        {
          // The tenant's sensitive words for the live chat: the tenant admin's (as the settings).
          path: 'live/sensitive-words',
          name: 'live-words',
          component: () => import('@/shared/live/SensitiveWordsPage.vue'),
          meta: { allow: can('settings'), title: 'live.words.title' },
        },
        {
          // 积分 (reference only): branch index, members and their ledgers, rules, anomalies, settings (tabs).
          path: 'points',
          name: 'points',
          component: () => import('./points/PointsView.vue'),
          meta: { allow: can('points'), title: 'points.title' },
        },
        {
          // 组织生活: calendar, annual plans, meetings, compliance (tabs), and one meeting's record.
          path: 'meetings',
          name: 'meetings',
          component: () => import('./meetings/MeetingsView.vue'),
          meta: { allow: can('meetings'), title: 'meetings.title' },
        },
        {
          path: 'meetings/:id(\\d+)',
          name: 'meeting',
          component: () => import('./meetings/MeetingRecordView.vue'),
          meta: { allow: can('meetings'), title: 'meetings.record.title' },
        },
        {
          // 工作任务书: the books of the caller's scope, and one book (self-assessment, cascade, review).
          path: 'task-books',
          name: 'task-books',
          component: () => import('./assessment/BooksView.vue'),
          meta: { allow: can('task_books'), title: 'taskBooks.title' },
        },
        {
          path: 'task-books/:id(\\d+)',
          name: 'task-book',
          component: () => import('./assessment/BookView.vue'),
          meta: { allow: can('task_books'), title: 'taskBooks.title' },
        },
        {
          // 交流平台: my units' posts, the review queue, proposals to my units (?tab=).
          path: 'exchange',
          name: 'exchange',
          component: () => import('./exchange/ExchangeView.vue'),
          meta: { allow: can('exchange'), title: 'exchange.console.title' },
        },
        {
          // The reviewers' notification opens the post in the drawer; proposals open their tab.
          path: 'exchange/posts/:uuid',
          name: 'exchange-post',
          component: () => import('./exchange/ExchangeView.vue'),
          props: true,
          meta: { allow: can('exchange'), title: 'exchange.console.title' },
        },
        {
          path: 'exchange/promotions',
          redirect: { name: 'exchange', query: { tab: 'promotions' } },
        },
        {
          // 民主评议党员: the rounds, one round (participants, the masses' codes, the decision, results).
          path: 'evaluation',
          name: 'evaluation',
          component: () => import('./evaluation/EvaluationView.vue'),
          meta: { allow: can('evaluations'), title: 'evaluation.title' },
        },
        {
          path: 'evaluation/:id(\\d+)',
          name: 'evaluation-round',
          component: () => import('./evaluation/RoundView.vue'),
          meta: { allow: can('evaluations'), title: 'evaluation.title' },
        },
        {
          // 信访举报: the reports assigned to me, one case (reads audited).
          path: 'reports',
          name: 'reports',
          component: () => import('./supervision/reports/ReportsView.vue'),
          meta: { allow: can('reports'), title: 'reports.console.title' },
        },
        {
          path: 'reports/:id(\\d+)',
          name: 'report',
          component: () => import('./supervision/reports/ReportView.vue'),
          meta: { allow: can('reports'), title: 'reports.console.detail' },
        },
        {
          // 询问·质询: the inquiries to my organizations, answered here.
          path: 'inquiries',
          name: 'inquiries',
          component: () => import('./supervision/inquiries/InquiriesView.vue'),
          meta: { allow: can('inquiries'), title: 'inquiries.console.title' },
        },
        {
          // 互动管理: pending, reported and hidden comments and threads; boards; exchange settings (tabs).
          path: 'moderation',
          name: 'moderation',
          component: () => import('./moderation/ModerationView.vue'),
          meta: { allow: can('exchange'), title: 'moderation.title' },
        },
        {
          // 党务公开: the announcements of the caller's scope; one announcement (editor, read receipts).
          path: 'announcements',
          name: 'announcements',
          component: () => import('./supervision/announcements/AnnouncementsView.vue'),
          meta: { allow: can('announcements'), title: 'supervision.announcements.title' },
        },
        {
          path: 'announcements/:id(\\d+)',
          name: 'announcement',
          component: () => import('./supervision/announcements/AnnouncementView.vue'),
          props: (route) => ({ id: Number(route.params.id) }),
          meta: { allow: can('announcements'), title: 'supervision.announcements.title' },
        },
        {
          // 任前公示: publicities, one publicity (candidates, window, objections, outcome).
          path: 'publicity',
          name: 'publicity',
          component: () => import('./supervision/publicity/PublicityListView.vue'),
          meta: { allow: can('publicity'), title: 'supervision.publicity.title' },
        },
        {
          path: 'publicity/:id(\\d+)',
          name: 'publicity-item',
          component: () => import('./supervision/publicity/PublicityView.vue'),
          props: (route) => ({ id: Number(route.params.id) }),
          meta: { allow: can('publicity'), title: 'supervision.publicity.title' },
        },
        {
          // 问卷: surveys, one survey (builder while a draft, then turnout and results).
          path: 'surveys',
          name: 'surveys',
          component: () => import('./supervision/surveys/SurveysView.vue'),
          meta: { allow: can('surveys'), title: 'supervision.surveys.title' },
        },
        {
          path: 'surveys/new',
          name: 'survey-new',
          component: () => import('./supervision/surveys/SurveyView.vue'),
          meta: { allow: can('surveys'), title: 'supervision.surveys.create' },
        },
        {
          path: 'surveys/:id(\\d+)',
          name: 'survey',
          component: () => import('./supervision/surveys/SurveyView.vue'),
          props: (route) => ({ id: Number(route.params.id) }),
          meta: { allow: can('surveys'), title: 'supervision.surveys.title' },
        },
        {
          // 匿名投票: votes, one vote (options while a draft, live turnout, the tally after closing).
          path: 'votes',
          name: 'votes',
          component: () => import('./supervision/votes/VotesView.vue'),
          meta: { allow: can('votes'), title: 'supervision.votes.title' },
        },
        {
          path: 'votes/:id(\\d+)',
          name: 'vote',
          component: () => import('./supervision/votes/VoteView.vue'),
          props: (route) => ({ id: Number(route.params.id) }),
          meta: { allow: can('votes'), title: 'supervision.votes.title' },
        },
        {
          // The supervision deadlines (local versions) and the working-day calendar's years.
          path: 'supervision/rules',
          name: 'supervision-rules',
          component: () => import('./supervision/RulesView.vue'),
          meta: {
            allow: (session: Session) => can('publicity')(session) || can('settings')(session),
            title: 'supervision.rules.title',
          },
        },
        {
          path: 'annual-report',
          name: 'annual-report',
          component: () => import('./views/AnnualReportView.vue'),
          meta: { allow: can('annual_report'), title: 'dashboard.nav.annualReport' },
        },
        {
          path: 'deliveries',
          name: 'deliveries',
          component: () => import('./views/DeliveriesView.vue'),
          meta: { allow: can('deliveries'), title: 'notify.deliveries.title' },
        },
        {
          path: 'pocket-members',
          name: 'pocket-members',
          component: () => import('./views/PocketMembersView.vue'),
          meta: { allow: can('pocket_members'), title: 'console.nav.pocket' },
        },
        // The notifications' links (tenants.supervision: CONSOLE_LINK).
        { path: 'supervision/reports/:id(\\d+)', redirect: (to) => `/reports/${String(to.params.id)}` },
        { path: 'supervision/inquiries/:id(\\d+)', redirect: (to) => `/inquiries?open=${String(to.params.id)}` },
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
