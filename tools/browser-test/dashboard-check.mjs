// Opens the local dashboard in Debian's headless chromium (driven by playwright-core, no browser
// download) and checks it the way a person would during a breaker trip:
//   1. the page loads and polls /_dashboard/data without a JavaScript error or a console error;
//   2. within a bounded wait the circuit-state widget (the one with a .current-state element)
//      shows OPEN;
//   3. no widget is empty. A metric widget is empty unless its Chart.js chart holds at least one
//      data point of a metric series (annotation lines do not count), or every one of its series
//      carries an explicit "not available locally" note. A text widget is empty without text.
//      A dashboard with no widget at all counts as empty too.
// It saves a full-page screenshot either way (when the page loaded) and exits 0 only if all holds.
//
// usage: node dashboard-check.mjs <dashboard-url> <screenshot.png>
//   env CHROMIUM (default /usr/bin/chromium), DASHBOARD_WAIT_MS (default 30000)
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node dashboard-check.mjs <dashboard-url> <screenshot.png>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const waitMs = Number(process.env.DASHBOARD_WAIT_MS || 30000);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const problems = [];
const consoleErrors = [];
const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-check-'));
let context;

function fail(message) {
  problems.push(message);
}

// What the page shows, read in the page through Chart.js's own API.
function inspect() {
  const widgets = [...document.querySelectorAll('.widget')].map((box) => {
    const title = box.dataset.widgetTitle || '';
    const type = box.dataset.widgetType;
    const canvas = box.querySelector('canvas');
    const chart = canvas && window.Chart ? window.Chart.getChart(canvas) : null;
    const datasets = chart ? chart.data.datasets.filter((d) => !d.annotation) : [];
    const chartPoints = datasets.reduce((n, d) => n + d.data.filter((p) => p && p.y !== null && p.y !== undefined).length, 0);
    const singleValues = [...box.querySelectorAll('.single-value .number')]
      .filter((n) => n.textContent.trim() !== '–').length;
    const series = Number(box.dataset.series || 0);
    const unavailable = Number(box.dataset.unavailable || 0);
    const notes = [...box.querySelectorAll('.widget-notes .unavailable')]
      .filter((n) => /not available locally/.test(n.textContent)).length;
    const text = type === 'text' ? box.textContent.trim() : '';
    return {
      title, type, hasChart: Boolean(chart), chartPoints, singleValues, series, unavailable, notes, text,
      state: box.querySelector('.current-state')?.textContent.trim() ?? null,
    };
  });
  return {
    polls: window.localDashboard ? window.localDashboard.polls : 0,
    lastError: window.localDashboard ? window.localDashboard.lastError : 'page script did not start',
    widgets,
  };
}

function emptyWidgets(view) {
  const empty = [];
  for (const w of view.widgets) {
    if (w.type === 'metric') {
      const allNoted = w.series > 0 && w.unavailable === w.series && w.notes === w.unavailable;
      const hasData = w.chartPoints > 0 || w.singleValues > 0;
      if (!hasData && !allNoted) {
        empty.push(`"${w.title}" (${w.hasChart ? 'chart without data points' : 'no chart'}, ${w.series} series, `
          + `${w.unavailable} marked not available locally)`);
      }
    } else if (w.type === 'text' && !w.text) {
      empty.push(`text widget at "${w.title}" has no text`);
    }
  }
  return empty;
}

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => consoleErrors.push(
    `request failed: ${request.url()} (${request.failure()?.errorText})`));

  const response = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  if (!response || !response.ok()) {
    fail(`GET ${url} answered ${response ? response.status() : 'nothing'}`);
  }

  // Wait (bounded) for OPEN in the state widget and for every widget to have something to show.
  const deadline = Date.now() + waitMs;
  let view = await page.evaluate(inspect);
  while (Date.now() < deadline) {
    const stateWidget = view.widgets.find((w) => w.state !== null);
    if (stateWidget && stateWidget.state === 'OPEN' && view.widgets.length && emptyWidgets(view).length === 0) {
      break;
    }
    await page.waitForTimeout(500);
    view = await page.evaluate(inspect);
  }
  // One more poll cycle, so the screenshot shows settled charts.
  await page.waitForTimeout(1600);
  view = await page.evaluate(inspect);

  if (view.polls === 0) fail(`the page never loaded /_dashboard/data (${view.lastError})`);
  if (view.lastError) fail(`the last data poll failed: ${view.lastError}`);
  if (view.widgets.length === 0) fail('the dashboard has no widget');
  const stateWidget = view.widgets.find((w) => w.state !== null);
  if (!stateWidget) {
    fail('no circuit-state widget (a widget with a .current-state element)');
  } else if (stateWidget.state !== 'OPEN') {
    fail(`the circuit-state widget "${stateWidget.title}" shows ${stateWidget.state}, not OPEN, after ${waitMs} ms`);
  }
  for (const e of emptyWidgets(view)) fail(`empty widget: ${e}`);

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`dashboard-check: ${view.widgets.length} widgets, state ${stateWidget ? stateWidget.state : '-'}, `
    + `${view.polls} polls; screenshot ${screenshot}`);
  for (const w of view.widgets) {
    console.log(`  ${w.type.padEnd(6)} ${String(w.chartPoints).padStart(4)} points  ${w.title}`);
  }
} catch (error) {
  fail(`browser check crashed: ${error && error.stack ? error.stack : error}`);
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

problems.push(...consoleErrors);
if (problems.length) {
  console.error(`dashboard-check FAILED (${problems.length} problem(s)):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('dashboard-check OK');
