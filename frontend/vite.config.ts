/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import { VantResolver } from '@vant/auto-import-resolver';
import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

import { devHtmlRouter } from './build/dev-html-router';
import { pwa } from './build/pwa';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Django runs on :8000 in development (`make run`); the dev server forwards the API and the
// WebSocket to it with the browser's Host header intact, so django-tenants still routes by host.
const backend = process.env.PARTYCLOUD_BACKEND ?? 'http://127.0.0.1:8000';

export default defineConfig({
  // Django serves frontend/dist through whitenoise at /static/ and the three HTML entries itself.
  base: '/static/',
  appType: 'mpa',
  plugins: [
    vue(),
    Components({
      dts: 'src/components.d.ts',
      dirs: [],
      resolvers: [ElementPlusResolver(), VantResolver()],
    }),
    pwa({ entry: 'portal.html' }),
    devHtmlRouter({ baseDomain: process.env.BASE_DOMAIN ?? 'localhost' }),
  ],
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
    include: ['tests/unit/**/*.spec.ts'],
    css: false,
  },
});
