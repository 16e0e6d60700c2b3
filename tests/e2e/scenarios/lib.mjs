// Shared by the browser scenarios: launch Chromium through playwright-core (no browser
// download: the system's chromium), resolve *.partycloud.test to the test server, take
// screenshots into test-artifacts/e2e/, and fail with a clear message and a screenshot.
//
// A scenario is run by tests/e2e/test_*.py as `node <scenario>.mjs '<json config>'`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// playwright-core is a dev dependency of the front end: resolve it from frontend/.
const require = createRequire(new URL('../../../frontend/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const config = JSON.parse(process.argv[2] ?? '{}');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--no-proxy-server',
];

export function log(message) {
  console.log(`[${config.scenario ?? 'e2e'}] ${message}`);
}

/**
 * Run `body(session)` in a fresh headless Chromium (playwright gives every launch a new
 * temporary --user-data-dir and deletes it afterwards); exit non-zero on failure.
 */
export async function scenario(name, body) {
  config.scenario = name;
  mkdirSync(config.artifacts, { recursive: true });
  const started = Date.now();
  const chromiumBrowser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--host-resolver-rules=${config.hostResolverRules}`,
      // Service workers need a secure context: let these http test origins count as one.
      ...(config.secureOrigins?.length
        ? [`--unsafely-treat-insecure-origin-as-secure=${config.secureOrigins.join(',')}`]
        : []),
    ],
  });
  const browser = new Session(chromiumBrowser);
  let failed = false;
  try {
    await body(browser);
    log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed = true;
    console.error(`[${name}] FAILED: ${error?.stack ?? error}`);
    await browser.saveFailure();
  } finally {
    browser.reportConsole();
    await chromiumBrowser.close().catch(() => undefined);
  }
  process.exit(failed || browser.pageErrors.length || browser.cspViolations.length ? 1 : 0);
}

class Session {
  constructor(browser) {
    this.browser = browser;
    this.pageErrors = [];
    this.consoleErrors = [];
    this.cspViolations = [];
    this.pages = [];
  }

  /** A page in a new context (own cookies); `options` e.g. a phone's viewport and touch. */
  async page(options = {}) {
    const context = await this.browser.newContext({
      viewport: { width: 1366, height: 860 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...options,
    });
    context.setDefaultTimeout(config.timeoutMs ?? 15000);
    await watchContentSecurityPolicy(context, this.cspViolations);
    const page = await context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    this.pages.push(page);
    return page;
  }

  async saveFailure() {
    for (const [index, page] of this.pages.entries()) {
      if (page.isClosed()) continue;
      const file = join(config.artifacts, `${config.scenario}-FAILED-${index}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.error(`[${config.scenario}] screenshot of the failure: ${file} (at ${page.url()})`);
    }
  }

  reportConsole() {
    for (const error of this.pageErrors) console.error(`[${config.scenario}] uncaught error in the page: ${error}`);
    for (const error of this.consoleErrors) console.error(`[${config.scenario}] console error: ${error}`);
    for (const violation of this.cspViolations)
      console.error(`[${config.scenario}] Content-Security-Policy violation: ${violation}`);
  }
}

/**
 * Record every Content-Security-Policy violation of the context's pages into `violations`: the
 * `securitypolicyviolation` events (an init script in every page and frame reports them as they
 * happen, so navigations lose none) and the console's CSP errors. A scenario that saw any fails.
 */
async function watchContentSecurityPolicy(context, violations) {
  await context.exposeBinding('__pcReportCspViolation', ({ page }, text) => violations.push(`${page.url()}: ${text}`));
  await context.addInitScript(() => {
    window.__pcCspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      const text = `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} (${event.sourceFile}:${event.lineNumber})`;
      window.__pcCspViolations.push(text);
      window.__pcReportCspViolation?.(text);
    });
  });
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      violations.push(`console: ${message.text()}`);
  });
}

/** Full-page screenshot `test-artifacts/e2e/<scenario>-<name>.png`. */
export async function shot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  // No loading overlays in the pictures (Element Plus removes its mask after a fade).
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: 5000 });
  const file = join(config.artifacts, `${config.scenario}-${name}.png`);
  // Transitions jump to their end: no half-faded dialogs in the pictures.
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  log(`screenshot ${file}`);
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Fail if the page shows an i18n key instead of a translation (e.g. "group.nav.tenants"). */
export async function expectTranslated(page) {
  const text = await page.locator('body').innerText();
  const keys = text.match(
    /\b(?:app|common|error|login|roles|tenantStatus|applicationStatus|auditAction|committee|group|console|portal|pocket|gender|membership|duesCategory|memberStatus|importStatus|transferKind|transferStatus|rowErrors|developmentStage|assessmentStatus|exemptionStatus|arrearsLevel|learning|dashboard|annualReport|notify)\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g,
  );
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

/** Wait for a line on stdin (the pytest side answers the handshake written with `signal`). */
export function signal(word) {
  console.log(`@@${word}`);
}

let stdinLines = null;
export async function waitForLine(expected, timeoutMs = 20000) {
  stdinLines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no "${expected}" from the test within ${timeoutMs} ms`)), timeoutMs),
  );
  const line = await Promise.race([stdinLines.next(), timeout]);
  expect(line.value?.trim() === expected, `expected "${expected}" from the test, got ${JSON.stringify(line.value)}`);
}

export function writeJson(name, value) {
  writeFileSync(join(config.artifacts, `${config.scenario}-${name}.json`), JSON.stringify(value, null, 2));
}

/** A phone's browser context (iPhone-sized, touch): `session.page(PHONE)`. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * Wait until the live player's video plays (its time past 1 s, enough data buffered). Autoplay
 * with sound may wait for a gesture: start it muted if it has not started after a few seconds.
 */
export async function waitPlaying(page, timeoutMs = 30000) {
  const video = page.locator('[data-test="live-player"] video');
  await video.waitFor();
  await page.waitForTimeout(4000);
  if (await video.evaluate((element) => element.paused))
    await video.evaluate((element) => {
      element.muted = true;
      return element.play();
    });
  await page.waitForFunction(
    () => {
      const element = document.querySelector('[data-test="live-player"] video');
      return element && !element.paused && element.currentTime > 1 && element.readyState >= 3;
    },
    null,
    { timeout: timeoutMs },
  );
  return video;
}

/** Sign in to the console at `consoleUrl` as `person` ({identifier, password}); lands on the workbench. */
export async function signInToConsole(page, consoleUrl, person) {
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await page.locator('input[name="identifier"]').fill(person.identifier);
  await page.locator('input[name="password"]').fill(person.password);
  await page.locator('[data-test="login-submit"]').click();
  await page.waitForURL(`${consoleUrl}/workbench`);
}
