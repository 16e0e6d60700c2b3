// Shared by the browser scenarios: launch Chromium through playwright-core (no browser
// download: the system's chromium), resolve *.partycloud.test to the test server, take
// screenshots into test-artifacts/e2e/, and fail with a clear message and a screenshot.
//
// A scenario is run by tests/e2e/test_*.py as `node <scenario>.mjs '<json config>'`.
import { createHmac } from 'node:crypto';
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
    /\b(?:app|common|error|login|roles|tenantStatus|applicationStatus|auditAction|committee|group|console|portal|pocket|gender|membership|duesCategory|memberStatus|importStatus|transferKind|transferStatus|rowErrors|developmentStage|assessmentStatus|exemptionStatus|arrearsLevel|learning|dashboard|annualReport|notify|mfa)\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g,
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

// ---------------------------------------------------------------- signing in (with two-factor sign-in)

const TOTP_STEP_MS = 30_000;

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let index = 0; index + 8 <= bits.length; index += 8) bytes.push(parseInt(bits.slice(index, index + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s steps) of a base32 `secret` at time step `step`. */
export function totp(secret, step = Math.floor(Date.now() / TOTP_STEP_MS)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

const onLoginPage = () => /\/login$/.test(location.pathname);

/**
 * Sign in on the login page `page` shows (desktop or portal) as `person` ({identifier, password,
 * totpSecret}). When the server asks for a code, it is computed from `person.totpSecret`; when
 * the person's roles require two-factor sign-in and they have none yet, they enrol with the key
 * the page shows (and keep it in `person.totpSecret` for their next sign-in). A code already used
 * (another sign-in of the same person this half-minute) is refused by the server: the next time
 * step's code is tried, or the next step is waited for. `tap` for touch pages.
 */
export async function signIn(page, person, { tap = false } = {}) {
  const press = (locator) => (tap ? locator.tap() : locator.click());
  await page.locator('input[name="identifier"]').fill(person.identifier);
  await page.locator('input[name="password"]').fill(person.password);
  await press(page.locator('[data-test="login-submit"]'));
  // Signed in (the app leaves the login page), refused (an error shows) or asked for a code.
  await page.waitForFunction(
    () =>
      !/\/login$/.test(location.pathname) ||
      document.querySelector('input[name="code"]') ||
      document.querySelector('[data-test="form-error"], .el-form-item__error, .van-field__error-message'),
  );
  if (!(await page.evaluate(onLoginPage)) || (await page.locator('input[name="code"]').count()) === 0) return;
  const enrolling = (await page.locator('[data-test="mfa-enrolment"]').count()) > 0;
  if (enrolling) person.totpSecret = await page.locator('[data-test="mfa-secret"]').getAttribute('data-secret');
  if (!person.totpSecret) throw new Error(`${person.identifier} is asked for a code but has no totpSecret`);
  const tried = new Set();
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const now = Math.floor(Date.now() / TOTP_STEP_MS);
    // The server accepts now ±1 step; now-1 is left out: it may fall out of the window on the way.
    const step = [now, now + 1].find((candidate) => !tried.has(candidate));
    if (step === undefined) {
      await page.waitForTimeout(TOTP_STEP_MS - (Date.now() % TOTP_STEP_MS) + 200);
      continue;
    }
    tried.add(step);
    await page.locator('input[name="code"]').fill(totp(person.totpSecret, step));
    const [answer] = await Promise.all([
      page.waitForResponse((response) =>
        /\/api\/v1\/auth\/login\/(code|enrol)$/.test(new URL(response.url()).pathname),
      ),
      press(page.locator('[data-test="mfa-submit"]')),
    ]);
    if (answer.ok()) {
      if (enrolling) {
        await page.locator('[data-test="recovery-codes"]').waitFor();
        await press(page.locator('[data-test="recovery-continue"]'));
      }
      return;
    }
    const body = await answer.json();
    if (body.code !== 'accounts.mfa_code_used') throw new Error(`the code was refused: ${JSON.stringify(body)}`);
  }
  throw new Error(`no code was accepted for ${person.identifier}`);
}

/** Sign in to the console at `consoleUrl` as `person` ({identifier, password}); lands on the workbench. */
export async function signInToConsole(page, consoleUrl, person) {
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await signIn(page, person);
  await page.waitForURL(`${consoleUrl}/workbench`);
}
