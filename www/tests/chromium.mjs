// How every test and benchmark starts a browser: Debian's Chromium (never a
// Playwright download), headless, kept off the network except 127.0.0.1.

export const CHROMIUM = process.env.LINESMAN_CHROMIUM ?? '/usr/bin/chromium';

export const OFFLINE_ARGS = [
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  '--proxy-server=http://127.0.0.1:9',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

export const launchOptions = { executablePath: CHROMIUM, args: OFFLINE_ARGS };
