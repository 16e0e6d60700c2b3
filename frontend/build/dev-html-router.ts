import type { Plugin } from 'vite';

/** The HTML entry Django would serve for this host and path (see docs/frontend.md). */
export function entryFor(host: string, path: string, baseDomain: string): string {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const onTenantHost = hostname.endsWith(`.${baseDomain}`);
  if (!onTenantHost) return 'group.html';
  return path === '/console' || path.startsWith('/console/') ? 'console.html' : 'portal.html';
}

/**
 * Development only: answer page navigations the way Django does in production, so
 * http://localhost:5173/ is the group dashboard, http://power.localhost:5173/console/ the
 * admin console and every other path on a tenant host the member portal.
 */
export function devHtmlRouter(options: { baseDomain: string }): Plugin {
  const passThrough = /^\/(api|ws|static|@|node_modules|src)(\/|$)/;
  return {
    name: 'partycloud:dev-html-router',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '/';
        const path = url.split('?')[0] ?? '/';
        const wantsHtml = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
        if (wantsHtml && !passThrough.test(path) && !/\.\w+$/.test(path)) {
          req.url = `${server.config.base}${entryFor(req.headers.host ?? '', path, options.baseDomain)}`;
        }
        next();
      });
    },
  };
}
