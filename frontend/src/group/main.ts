import { mountApp } from '@/shared/bootstrap';
import DesktopRoot from '@/shared/desktop/DesktopRoot.vue';

import { router } from './router';

mountApp(DesktopRoot, router);
