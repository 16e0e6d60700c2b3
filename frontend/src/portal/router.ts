import { createAppRouter } from '@/shared/router';

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
          path: 'me',
          name: 'me',
          component: () => import('./views/ProfileView.vue'),
          meta: { title: 'portal.profile.title' },
        },
        {
          path: 'me/password',
          name: 'password',
          component: () => import('./views/PasswordView.vue'),
          meta: { title: 'portal.password.title' },
        },
      ],
    },
  ],
});
