import { mountApp } from '@/shared/bootstrap';

import PortalRoot from './PortalRoot.vue';
import { router } from './router';

mountApp(PortalRoot, router);

// Installable app: the worker caches the shell (built into dist/sw.js, served at /sw.js).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
      console.warn('service worker not registered', error);
    });
  });
}
