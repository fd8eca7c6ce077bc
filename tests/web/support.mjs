// What the browser tests share: the hourglass command, a temporary folder, and Debian's
// Chromium driven by playwright-core (installed in web/ by scripts/install-deps.sh).
// CTest sets HOURGLASS_BINARY, HOURGLASS_SOURCE_DIR and HOURGLASS_WEB_DIR; with
// HOURGLASS_SCREENSHOTS set, screenshots are also copied there (docs/ for the README).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const binary = process.env.HOURGLASS_BINARY;
export const sourceDir = process.env.HOURGLASS_SOURCE_DIR;
const webDir = process.env.HOURGLASS_WEB_DIR ?? path.join(sourceDir, 'web');
const { chromium } = createRequire(path.join(webDir, 'package.json'))('playwright-core');

// The flags keep Chromium from calling home (on a closed network it would retry forever).
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: chromiumArgs });
}

export function temporaryFolder(name) {
  const folder = mkdtempSync(path.join(tmpdir(), `hourglass-${name}-`));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

// Runs the hourglass command; returns its standard output (throws on a non-zero exit).
export function hourglass(...args) {
  return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
}

export async function screenshot(page, folder, name, options = {}) {
  const file = path.join(folder, name);
  await page.screenshot({ path: file, ...options });
  if (process.env.HOURGLASS_SCREENSHOTS) copyFileSync(file, path.join(process.env.HOURGLASS_SCREENSHOTS, name));
  return file;
}

// What a Vega view drew, from its scenegraph: `items` counts the items of each mark type
// (a point, a bar, a point of a line), `marks` the marks (one line per series).
export function countMarks(view) {
  const items = {};
  const marks = {};
  const visit = (mark) => {
    if (mark.role === 'mark') {
      items[mark.marktype] = (items[mark.marktype] ?? 0) + mark.items.length;
      marks[mark.marktype] = (marks[mark.marktype] ?? 0) + 1;
    }
    for (const item of mark.items ?? []) for (const child of item.items ?? []) visit(child);
  };
  visit(view.scenegraph().root);
  return { items, marks };
}

// countMarks() on a view that the page reaches with `expression`.
export function marksIn(page, expression) {
  return page.evaluate(`(${countMarks})(${expression})`);
}
