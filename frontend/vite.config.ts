/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import { VantResolver } from '@vant/auto-import-resolver';
import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

import { devHtmlRouter } from './build/dev-html-router.ts';
import { pwa } from './build/pwa.ts';
import { sameOriginFonts } from './build/same-origin-fonts.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Django runs on :8000 in development (`make run`); the dev server forwards the API and the
// WebSocket to it with the browser's Host header intact, so django-tenants still routes by host.
const backend = process.env.PARTYCLOUD_BACKEND ?? 'http://127.0.0.1:8000';
// Unit tests render components without their CSS (Node cannot import the libraries' .css files).
const withStyles = !process.env.VITEST;

export default defineConfig(({ command }) => ({
  // Django serves frontend/dist through whitenoise at /static/ and the three HTML entries itself.
  base: '/static/',
  appType: 'mpa',
  plugins: [
    vue(),
    Components({
      // Written by builds only (a dev server would rewrite it with the few components it has
      // seen so far). Committed, so that vue-tsc knows every component before the first build.
      dts: command === 'build' ? 'src/components.d.ts' : false,
      dirs: [],
      resolvers: [
        ElementPlusResolver({ importStyle: withStyles ? 'css' : false }),
        VantResolver({ importStyle: withStyles }),
      ],
    }),
    sameOriginFonts(),
    pwa({ entry: 'portal.html' }),
    devHtmlRouter({ baseDomain: process.env.BASE_DOMAIN ?? 'localhost' }),
  ],
  define: {
    // vue-i18n: Composition API only, no devtools in production builds.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  resolve: {
    alias: { '@': here('./src') },
  },
  server: {
    port: 5173,
    allowedHosts: ['.localhost'],
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      input: {
        group: here('./group.html'),
        console: here('./console.html'),
        portal: here('./portal.html'),
      },
    },
  },
  test: {
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { url: 'http://alpha.partycloud.test/' } },
    include: ['tests/unit/**/*.spec.ts', 'src/**/*.spec.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    css: false,
    // Bundled through Vite like in the browser (async-validator's CommonJS default export breaks in plain Node).
    server: { deps: { inline: ['element-plus'] } },
  },
}));
