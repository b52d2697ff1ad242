// The Chromium the browser tests use: $CHROMIUM, else Debian's /usr/bin/chromium.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}
