// Time to interactive of one page in headless Chromium: navigation start to
// the hydration marker, 10 fresh browser contexts, median in ms (first line).
// Second line: the /pkg files (WASM, JS) the page fetched before that marker,
// so the benchmark can report what it really loaded.
const path = require('path');
const { chromium } = require(path.join(__dirname, '../end2end/node_modules/@playwright/test'));

(async () => {
  const url = process.argv[2];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-quic', '--disable-background-networking', '--no-sandbox'],
  });
  const times = [];
  let files = [];
  for (let i = 0; i < 11; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // A page that does not hydrate cleanly has no honest time to interactive.
    const errors = [];
    const fetched = new Set();
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.startsWith('/pkg/') && /\.(wasm|js)$/.test(p)) fetched.add(p.slice('/pkg/'.length));
    });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const start = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-hydrated="true"]');
    const t = Date.now() - start;
    if (errors.length) throw new Error(`browser errors on ${url}: ${errors.join(' | ')}`);
    if (i > 0) times.push(t); // the first run warms the server's caches
    files = [...fetched].sort();
    await context.close();
  }
  await browser.close();
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)]);
  console.log(files.join(' '));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
