import { createAppRouter } from '@/shared/router';

declare module 'vue-router' {
  interface RouteMeta {
    /** The portal page uses the whole width on big screens (no phone-width column). */
    wide?: boolean;
  }
}

/** The member portal: every path on a tenant host except /console and /api. */
export const router = createAppRouter({
  base: '/',
  app: 'portal',
  login: () => import('./views/LoginView.vue'),
  routes: [
    {
      path: '/',
      component: () => import('./PortalLayout.vue'),
      children: [
        {
          path: '',
          name: 'home',
          component: () => import('./views/HomeView.vue'),
          meta: { title: 'portal.tabs.home' },
        },
        {
          path: 'notifications',
          name: 'notifications',
          component: () => import('./views/NotificationsView.vue'),
          meta: { title: 'portal.notifications.title' },
        },
        {
          path: 'dues',
          name: 'dues',
          component: () => import('./views/DuesView.vue'),
          meta: { title: 'portal.dues.title' },
        },
        {
          // Grouped under one path: the tab bar's 学习 stays lit on every learning page.
          path: 'learning',
          children: [
            {
              path: '',
              name: 'learning',
              component: () => import('./views/LearningView.vue'),
              meta: { title: 'portal.learning.title' },
            },
            {
              path: 'item/:uuid',
              name: 'learning-item',
              component: () => import('./views/StudyReaderView.vue'),
              meta: { title: 'portal.learning.reader' },
            },
            {
              path: 'me',
              name: 'learning-me',
              component: () => import('./views/StudyMeView.vue'),
              meta: { title: 'portal.learning.mine' },
            },
            {
              path: 'quizzes',
              name: 'learning-quizzes',
              component: () => import('./views/QuizListView.vue'),
              meta: { title: 'portal.learning.quizzes' },
            },
            {
              path: 'quizzes/:id(\\d+)',
              name: 'learning-quiz',
              component: () => import('./views/QuizTakeView.vue'),
              meta: { title: 'portal.learning.quizzes' },
            },
            {
              path: 'attempts/:attempt(\\d+)',
              name: 'learning-attempt',
              component: () => import('./views/QuizTakeView.vue'),
              meta: { title: 'portal.learning.quizzes' },
            },
            {
              path: 'courses',
              name: 'learning-courses',
              component: () => import('./views/LearningCoursesView.vue'),
              meta: { title: 'portal.learning.courses' },
            },
            {
              path: 'courses/:id(\\d+)',
              name: 'learning-course',
              component: () => import('./views/LearningCourseView.vue'),
              meta: { title: 'portal.learning.course' },
            },
            {
              path: 'regulations',
              name: 'learning-regulations',
              component: () => import('./views/LearningRegulationsView.vue'),
              meta: { title: 'learning.kinds.regulation' },
            },
            {
              path: 'regulations/:uuid',
              name: 'learning-regulation',
              component: () => import('./views/LearningRegulationView.vue'),
              meta: { title: 'learning.kinds.regulation' },
            },
          ],
        },
        {
          path: 'live',
          name: 'live',
          component: () => import('./live/LiveListView.vue'),
          meta: { title: 'portal.live.title' },
        },
        {
          // 三会一课 (organizational life): my meetings, one meeting, my attendance, make-up tasks.
          path: 'meetings',
          children: [
            {
              path: '',
              name: 'meetings',
              component: () => import('./meetings/MeetingsView.vue'),
              meta: { title: 'meetingsPortal.title' },
            },
            {
              path: ':id(\\d+)',
              name: 'meeting',
              component: () => import('./meetings/MeetingDetailView.vue'),
              props: (route) => ({ id: Number(route.params.id) }),
              meta: { title: 'meetingsPortal.detail.title' },
            },
            {
              path: 'attendance',
              name: 'meeting-attendance',
              component: () => import('./meetings/AttendanceView.vue'),
              meta: { title: 'meetingsPortal.attendance.title' },
            },
            {
              path: 'makeups',
              name: 'meeting-makeups',
              component: () => import('./meetings/MakeUpsView.vue'),
              meta: { title: 'meetingsPortal.makeups.title' },
            },
          ],
        },
        {
          // 民主评议: my rounds; one round (self-review, peer ratings, what I received, my grade).
          path: 'evaluation',
          children: [
            {
              path: '',
              name: 'evaluation',
              component: () => import('./evaluation/EvaluationView.vue'),
              meta: { title: 'evaluationPortal.title' },
            },
            {
              path: ':id(\\d+)',
              name: 'evaluation-round',
              component: () => import('./evaluation/MyRoundView.vue'),
              props: (route) => ({ id: Number(route.params.id) }),
              meta: { title: 'evaluationPortal.title' },
            },
          ],
        },
        {
          // 询问·质询: my inquiries, asking one, one inquiry (rate the answer).
          path: 'inquiries',
          children: [
            {
              path: '',
              name: 'inquiries',
              component: () => import('./supervision/inquiries/InquiriesView.vue'),
              meta: { title: 'inquiries.portal.title' },
            },
            {
              path: 'ask',
              name: 'inquiry-ask',
              component: () => import('./supervision/inquiries/AskView.vue'),
              meta: { title: 'inquiries.portal.ask' },
            },
            {
              path: ':id(\\d+)',
              name: 'inquiry',
              component: () => import('./supervision/inquiries/InquiryView.vue'),
              props: (route) => ({ id: Number(route.params.id) }),
              meta: { title: 'inquiries.portal.title' },
            },
          ],
        },
        {
          // 交流: news, showcase, micro-videos; a post; uploading; my posts; favourites; the community.
          // Grouped under one path: the tab bar's 交流 stays lit on every exchange page.
          path: 'exchange',
          children: [
            {
              path: '',
              name: 'exchange',
              component: () => import('./exchange/ExchangeView.vue'),
              meta: { title: 'exchange.title' },
            },
            {
              path: 'upload',
              name: 'exchange-upload',
              component: () => import('./exchange/UploadVideoView.vue'),
              meta: { title: 'exchange.upload.title' },
            },
            {
              path: 'mine',
              name: 'exchange-mine',
              component: () => import('./exchange/MyPostsView.vue'),
              meta: { title: 'exchange.mine.title' },
            },
            {
              path: 'favourites',
              name: 'exchange-favourites',
              component: () => import('./exchange/FavouritesView.vue'),
              meta: { title: 'exchange.favourites.title' },
            },
            {
              path: 'community',
              name: 'community',
              component: () => import('./exchange/CommunityView.vue'),
              meta: { title: 'exchange.community.title' },
            },
            {
              path: 'community/:scope(tenant|group)/:id(\\d+)',
              name: 'community-board',
              component: () => import('./exchange/BoardView.vue'),
              props: (route) => ({ scope: route.params.scope, id: Number(route.params.id) }),
              meta: { title: 'exchange.community.title' },
            },
          ],
        },
        {
          // 党务监督: 党务公开 (mine and the group's), 任前公示 (objections), 问卷 and 匿名投票.
          path: 'supervision',
          children: [
            {
              path: '',
              name: 'supervision',
              component: () => import('./supervision/SupervisionHome.vue'),
              meta: { title: 'supervision.portal.title' },
            },
            {
              path: 'announcements',
              name: 'announcements',
              component: () => import('./supervision/AnnouncementsView.vue'),
              meta: { title: 'supervision.portal.announcements' },
            },
            {
              // Addressed by uuid: this tenant's announcements and the group's share the list.
              path: 'announcements/:uuid',
              name: 'announcement',
              component: () => import('./supervision/AnnouncementView.vue'),
              props: true,
              meta: { title: 'supervision.portal.announcements' },
            },
            {
              path: 'publicity',
              name: 'publicity',
              component: () => import('./supervision/PublicityListView.vue'),
              meta: { title: 'supervision.portal.publicity' },
            },
            {
              path: 'publicity/:uuid',
              name: 'publicity-item',
              component: () => import('./supervision/PublicityView.vue'),
              props: true,
              meta: { title: 'supervision.portal.publicity' },
            },
            {
              path: 'surveys',
              name: 'surveys',
              component: () => import('./supervision/CampaignsView.vue'),
              props: { kind: 'surveys' },
              meta: { title: 'supervision.portal.surveys' },
            },
            {
              path: 'surveys/:id(\\d+)',
              name: 'survey',
              component: () => import('./supervision/SurveyView.vue'),
              props: (route) => ({ id: Number(route.params.id) }),
              meta: { title: 'supervision.portal.surveys' },
            },
            {
              path: 'votes',
              name: 'votes',
              component: () => import('./supervision/CampaignsView.vue'),
              props: { kind: 'votes' },
              meta: { title: 'supervision.portal.votes' },
            },
            {
              path: 'votes/:id(\\d+)',
              name: 'vote',
              component: () => import('./supervision/VoteView.vue'),
              props: (route) => ({ id: Number(route.params.id) }),
              meta: { title: 'supervision.portal.votes' },
            },
          ],
        },
        {
          // 我的积分: reference only.
          path: 'points',
          name: 'points',
          component: () => import('./points/MyPointsView.vue'),
          meta: { title: 'points.portal.title' },
        },
        {
          path: 'me',
          name: 'me',
          component: () => import('./views/ProfileView.vue'),
          meta: { title: 'portal.profile.title' },
        },
        {
          path: 'me/notifications',
          name: 'notification-settings',
          component: () => import('./views/NotificationSettingsView.vue'),
          meta: { title: 'notify.settings.title' },
        },
        {
          path: 'me/password',
          name: 'password',
          component: () => import('./views/PasswordView.vue'),
          meta: { title: 'portal.password.title' },
        },
      ],
    },
    {
      // What the QR code of the sign-in screen encodes (full screen: the result is all there is).
      path: '/meetings/:id(\\d+)/sign-in',
      name: 'meeting-sign-in',
      component: () => import('./meetings/SignInView.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
      meta: { title: 'meetingsPortal.signIn.title' },
    },
    {
      // 群众测评: the masses' ballot, without signing in (the slip's code in the fragment or typed).
      path: '/ballot',
      name: 'ballot',
      component: () => import('./evaluation/BallotView.vue'),
      meta: { public: true, title: 'ballot.title' },
    },
    {
      // 网上信访举报: file a report or petition without signing in (anonymous by default), and
      // follow it by tracking code (in POST bodies only; a link may carry it in the fragment).
      path: '/report',
      name: 'report',
      component: () => import('./supervision/reports/ReportFileView.vue'),
      meta: { public: true, title: 'reports.file.title' },
    },
    {
      path: '/report/track',
      name: 'report-track',
      component: () => import('./supervision/reports/ReportTrackView.vue'),
      meta: { public: true, title: 'reports.track.title' },
    },
    // The notifications' links (tenants.supervision.inquiries: PORTAL_LINK).
    { path: '/supervision/inquiries/:id(\\d+)', redirect: (to) => `/inquiries/${String(to.params.id)}` },
    {
      // One post, full screen (no tab bar: the comment box sits at the bottom).
      path: '/exchange/posts/:uuid',
      name: 'exchange-post',
      component: () => import('./exchange/PostDetailView.vue'),
      props: true,
      meta: { title: 'exchange.title' },
    },
    {
      // One community thread and its replies, full screen.
      path: '/exchange/community/:scope(tenant|group)/threads/:id(\\d+)',
      name: 'community-thread',
      component: () => import('./exchange/ThreadView.vue'),
      props: (route) => ({ scope: route.params.scope, id: Number(route.params.id) }),
      meta: { title: 'exchange.community.title' },
    },
    {
      // The links in notifications: a thread's replies and mentions (?scope=group for the
      // group's), and the review outcome sent to a post's author.
      path: '/exchange/threads/:id(\\d+)',
      redirect: (to) => ({
        name: 'community-thread',
        params: { scope: to.query.scope === 'group' ? 'group' : 'tenant', id: to.params.id },
        hash: to.hash,
      }),
    },
    {
      path: '/portal/exchange/posts/:uuid',
      redirect: (to) => ({ name: 'exchange-post', params: { uuid: to.params.uuid } }),
    },
    {
      // What a share link opens (a public-marked post shared outside reads without signing in).
      path: '/exchange/shared/:token',
      name: 'exchange-shared',
      component: () => import('./exchange/SharedPostView.vue'),
      props: true,
      meta: { public: true, title: 'exchange.share.title' },
    },
    {
      // The camera, full screen.
      path: '/meetings/scan',
      name: 'meeting-scan',
      component: () => import('./meetings/ScanView.vue'),
      meta: { title: 'meetingsPortal.scan.title' },
    },
    {
      // Full screen (no tab bar): the player on top, the chat's send box at the bottom.
      path: '/live/:scope(tenant|group)/:id(\\d+)',
      name: 'live-lesson',
      component: () => import('./live/LiveLessonView.vue'),
      props: (route) => ({ scope: route.params.scope, id: Number(route.params.id) }),
      meta: { title: 'portal.live.title', wide: true },
    },
  ],
});
