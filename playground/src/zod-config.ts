/**
 * Imported first by main.tsx, so it runs before any schema is built: the page's Content-Security-Policy has
 * no 'unsafe-eval', and zod must not probe for `new Function` (the probe is caught, but still reported as a
 * CSP violation in the console).
 */
import { z } from 'zod';

z.config({ jitless: true });
