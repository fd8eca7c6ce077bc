// The web interface end to end in a real browser: upload iris, train 20 epochs while the
// loss chart updates, stop a second training, open the report, download the model and
// load it with the command line; bad uploads show their error in the page.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { binary, hourglass, launchBrowser, marksIn, screenshot, sourceDir, temporaryFolder } from './support.mjs';

const { folder, remove } = temporaryFolder('serve');
let browser;
let server;
let url;

// Starts `hourglass serve` on a free loopback port and reads the address it prints. The
// server stops by itself after --stop-after seconds (longer than CTest lets the test run),
// should this process die before it can stop the server.
function startServer() {
  server = spawn(binary, ['serve', '--port', '0', '--dir', folder, '--stop-after', '330'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const found = output.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (found) resolve(found[0]);
    });
    server.on('exit', (code) => reject(new Error(`hourglass serve exited with ${code}: ${output}`)));
  });
}

before(async () => {
  [url, browser] = await Promise.all([startServer(), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
  }
  remove();
});

// Waits for the live chart to hold `count` points or more; returns the marks drawn.
async function livePoints(page, count) {
  await page.waitForFunction((n) => window.hourglassApp.liveView?.data('history').length >= n, count);
  return marksIn(page, 'window.hourglassApp.liveView');
}

test('upload, train with a live chart, stop, report and download', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');

  // A file that is not a data set: the page says why.
  const bad = path.join(folder, 'bad.csv');
  writeFileSync(bad, 'a,b\n1,x\n2,y\n3,4,5\n');
  await page.setInputFiles('#file', bad);
  await page.click('#upload');
  await page.waitForSelector('#message.error');
  assert.match(await page.innerText('#message'), /Upload failed: .*bad/);

  await page.setInputFiles('#file', path.join(sourceDir, 'data/iris.csv'));
  await page.click('#upload');
  await page.waitForFunction(() => document.querySelector('#message').textContent.startsWith('Uploaded iris.csv'));
  assert.equal(await page.inputValue('#dataset'), 'iris.csv');
  assert.match(await page.innerText('#dataset-info'), /150 rows of shape 4; labels from the column Species/);
  await page.waitForFunction(() => document.querySelector('#summary').textContent.includes('Total params'));

  // An invalid network is reported as it is typed, and training it is refused.
  await page.fill('#network', 'dense(');
  await page.waitForSelector('#summary.invalid');
  await page.fill('#network', '8,2:tanh');
  await page.waitForFunction(() => !document.querySelector('#summary').classList.contains('invalid'));

  // The variants' parameters, with the defaults the server declares, show while the variant
  // is chosen, and the learner's summary follows them.
  const summaryHas = (text) => page.waitForFunction((t) => document.querySelector('#summary').textContent.includes(t), text);
  const declared = await page.evaluate(() => window.hourglassApp.options.variant_kinds.find((k) => k.name === 'sparse'));
  assert.deepEqual(declared.parameters.map((p) => p.option), ['sparsity', 'sparsity_weight']);
  assert.equal(await page.isVisible('#sparse-weight'), false);
  await page.check('#type-sparse');
  assert.equal(Number(await page.inputValue('#sparse-weight')), declared.parameters[1].default);
  await page.fill('#sparse-weight', '0.5');
  await summaryHas('sparsity: high_probability 0.1, weight 0.5');
  await page.check('#type-denoising');
  await page.fill('#denoising-type', 'zeros');
  await page.fill('#denoising-parameter', '0.25');
  await summaryHas('noise: zeros');
  await page.fill('#sparse-weight', '-1');
  await page.waitForSelector('#summary.invalid');
  assert.match(await page.innerText('#summary'), /weight/);
  await page.uncheck('#type-sparse');
  await page.uncheck('#type-denoising');
  await page.waitForFunction(() => !document.querySelector('#summary').textContent.includes('sparsity'));
  await page.fill('#epochs', '20');
  await page.fill('#validation-split', '0.2');
  await page.fill('#seed', '1');
  await page.fill('#model-name', 'iris-2d');
  await page.click('#train');
  await page.waitForSelector('#job-state[data-state="done"]', { timeout: 60000 });
  // The "queued" banner leaves once the training has left the queue.
  await page.waitForFunction(() => document.querySelector('#message').hidden);
  const trained = await livePoints(page, 40);
  assert.equal(trained.items.symbol, 40);  // 20 epochs, training and validation loss
  assert.equal(trained.marks.line, 2);
  assert.equal(await page.evaluate(() => window.hourglassApp.lastEpoch), 20);
  await screenshot(page, folder, 'web-interface.png', { fullPage: true });

  // A long second training: the chart grows while it runs, then Stop ends it.
  await page.fill('#epochs', '100000');
  await page.fill('#batch-size', '1');
  await page.fill('#validation-split', '0');
  await page.fill('#model-name', 'long');
  await page.click('#train');
  await page.waitForSelector('#job-state[data-state="running"]');
  const running = await livePoints(page, 2);
  assert.ok(running.items.symbol >= 2);
  await page.click('#stop');
  await page.waitForSelector('#job-state[data-state="stopped"]', { timeout: 60000 });
  assert.match(await page.innerText('#job-state'), /stopped from the web interface/);
  assert.match(await page.innerText('#jobs tbody'), /long\.hgm/);

  // Back to the first training: its report and its model file.
  await page.click('#jobs tbody tr[data-job="1"]');
  await page.waitForSelector('#download-model:not([hidden])');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#report-link')]);
  await popup.waitForLoadState();
  await popup.evaluate(() => window.hourglassReport.ready.then(() => true));
  assert.equal(await popup.locator('#chart-codes .mark-symbol.role-mark path').count(), 150);
  assert.equal(await popup.locator("#chart-history-loss .mark-symbol.role-mark path").count(), 40);
  await screenshot(popup, folder, 'web-report.png');
  await popup.close();

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
  assert.equal(download.suggestedFilename(), 'iris-2d.hgm');
  const saved = path.join(folder, 'downloaded.hgm');
  await download.saveAs(saved);
  const history = hourglass('history', saved, '--csv').trim().split('\n');
  assert.equal(history.length, 21);  // header and 20 epochs
  assert.match(hourglass('summary', saved), /dense_2 \(Dense, tanh\) <- encoding/);
  const codes = hourglass('encode', saved, path.join(sourceDir, 'data/iris.csv'), '--label', 'Species').trim().split('\n');
  assert.equal(codes.length, 151);

  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the server stops cleanly on SIGTERM', async () => {
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  server.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null });
});
