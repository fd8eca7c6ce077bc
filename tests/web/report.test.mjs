// Reports opened in a real browser (Debian's Chromium through playwright-core), with the
// network cut off: every chart draws, with as many marks as the report's numbers say,
// hovering shows a tooltip, the mouse wheel zooms.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { hourglass, launchBrowser, marksIn, screenshot, sourceDir, temporaryFolder } from './support.mjs';

const { folder, remove } = temporaryFolder('report');
let browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  remove();
});

// 8x8 images of one bright bar each, as a float32 .npy (N x 1 x 8 x 8).
function writeBars(file, count) {
  const values = new Float32Array(count * 64);
  for (let i = 0; i < count; ++i) {
    const bar = i % 8;
    for (let k = 0; k < 8; ++k) values[i * 64 + (i % 2 ? k * 8 + bar : bar * 8 + k)] = 1;
  }
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${count}, 1, 8, 8), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]));
}

// Opens a report with every request other than the file itself refused, and waits for
// its charts. Returns the page and the requests that were attempted.
async function openReport(file) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const attempted = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    attempted.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`file://${file}`);
  await page.evaluate(() => window.hourglassReport.ready.then(() => true));
  assert.deepEqual(errors, []);
  return { page, context, attempted };
}

const chartData = (page) => page.evaluate(() => window.hourglassReport.data.charts);

test('an iris report draws every chart with one mark per number', async () => {
  const model = path.join(folder, 'iris.hgm');
  const report = path.join(folder, 'iris.html');
  const iris = path.join(sourceDir, 'data/iris.csv');
  hourglass('train', iris, '--label', 'Species', '--network', '8,2:tanh', '--scale', 'zscore', '--optimizer', 'adam',
    '--lr', '0.01', '--epochs', '12', '--batch-size', '16', '--validation-split', '0.2', '--seed', '1', '-q', '-o', model);
  hourglass('report', model, iris, '--label', 'Species', '--threshold', '0.3', '--title', 'Iris, 2-D codes', '-o', report);

  const { page, context, attempted } = await openReport(report);
  const charts = await chartData(page);
  const byId = Object.fromEntries(charts.map((chart) => [chart.id, chart]));
  assert.deepEqual(Object.keys(byId).sort(), ['codes', 'errors', 'features', 'history-loss']);

  const history = await marksIn(page, "window.hourglassReport.views['history-loss']");
  assert.equal(history.items.symbol, 24);  // 12 epochs, training and validation
  assert.equal(history.marks.line, 2);
  const errors = await marksIn(page, 'window.hourglassReport.views.errors');
  assert.equal(errors.items.rect, byId.errors.values.length);
  assert.equal(errors.items.rule, 1);  // the threshold
  assert.equal(byId.errors.values.reduce((sum, bin) => sum + bin.count, 0), 150);
  const codes = await marksIn(page, 'window.hourglassReport.views.codes');
  assert.equal(codes.items.symbol, 150);
  const features = await marksIn(page, 'window.hourglassReport.views.features');
  assert.equal(features.items.rect, 8);  // 4 features, autoencoder and PCA
  // The SVG in the page shows the same: a path per point, and three species in the legend.
  assert.equal(await page.locator('#chart-codes .mark-symbol.role-mark path').count(), 150);
  assert.equal(await page.locator('#chart-codes .role-legend-symbol path').count(), 3);

  // Every point lies whole inside the plot: its extremes are a radius or more from the edges.
  const inside = await page.evaluate((values) => {
    const view = window.hourglassReport.views.codes;
    const x = view.scale('x'), y = view.scale('y');
    const xs = values.map((v) => x(v.x)), ys = values.map((v) => y(v.y));
    return { left: Math.min(...xs), right: view.width() - Math.max(...xs),
             top: Math.min(...ys), bottom: view.height() - Math.max(...ys) };
  }, byId.codes.values);
  for (const [side, room] of Object.entries(inside)) assert.ok(room >= 3, `${side}: ${room} px`);

  // Hover: a tooltip names the row; wheel: the axes zoom in.
  await page.locator('#chart-codes .mark-symbol.role-mark path').nth(60).hover({ force: true });
  await page.waitForSelector('#vg-tooltip-element.visible');
  assert.match(await page.locator('#vg-tooltip-element').innerText(), /row/);
  const before = await page.evaluate(() => window.hourglassReport.views.codes.scale('x').domain());
  const box = await page.locator('#chart-codes svg').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(
    (old) => window.hourglassReport.views.codes.scale('x').domain()[1] - window.hourglassReport.views.codes.scale('x').domain()[0] < old,
    before[1] - before[0],
  );
  await page.mouse.move(0, 0);
  assert.deepEqual(attempted, []);
  await screenshot(page, folder, 'report-iris.png', { fullPage: true });
  await context.close();
});

test('an image report shows originals, reconstructions and generated images', async () => {
  const data = path.join(folder, 'bars.npy');
  writeBars(data, 64);
  const model = path.join(folder, 'bars.hgm');
  const report = path.join(folder, 'bars.html');
  hourglass('train', data, '--network', '16,2:relu:sigmoid', '--type', 'variational', '--loss', 'bce', '--optimizer',
    'adam', '--lr', '0.01', '--epochs', '4', '--batch-size', '16', '--seed', '2', '-q', '-o', model);
  hourglass('report', model, data, '--examples', '8', '-o', report);

  const { page, context, attempted } = await openReport(report);
  const ids = (await chartData(page)).map((chart) => chart.id).sort();
  assert.deepEqual(ids, ['codes', 'errors', 'history-kl', 'history-loss', 'history-reconstruction']);
  const codes = await marksIn(page, 'window.hourglassReport.views.codes');
  assert.equal(codes.items.symbol, 64);
  const kl = await marksIn(page, "window.hourglassReport.views['history-kl']");
  assert.equal(kl.items.symbol, 4);
  // Two grids of 8x8 images with 2 pixels between and around them: 3 rows of 8 examples
  // (original, autoencoder, PCA), and 10 x 10 generated images.
  const sizes = await page.$$eval('img.grid', (images) => images.map((image) => [image.alt, image.naturalWidth, image.naturalHeight]));
  assert.deepEqual(sizes, [
    ['examples', 8 * 8 + 9 * 2, 3 * 8 + 4 * 2],
    ['generated', 10 * 8 + 11 * 2, 10 * 8 + 11 * 2],
  ]);
  assert.deepEqual(attempted, []);
  await context.close();
});
