/**
 * Headless Chromium for report tests and bench/report.ts, through playwright-core and the system's
 * /usr/bin/chromium (no browser download).
 */
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.SPLITBRAIN_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
