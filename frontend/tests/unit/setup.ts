import { afterAll } from 'vitest';

// Element Plus validates forms with async-validator, which warns on every failed rule.
(globalThis as { ASYNC_VALIDATOR_NO_WARNING?: boolean }).ASYNC_VALIDATOR_NO_WARNING = true;

// Vant measures some components 100, 200 and 300 ms after mounting (its use-height composable, e.g. a
// safe-area nav bar): let those timers run while the DOM environment still exists, or a loaded
// machine sees "window is not defined" after a file's last test (an unhandled error fails the run).
afterAll(() => new Promise((resolve) => setTimeout(resolve, 350)));
