// The web interface of `hourglass serve` (src/serve/server.cpp answers its requests):
// upload data, choose a network and options, train with a live loss chart, then open
// the report and download the model, its encoding and each row's error.
// window.hourglassApp exposes the live chart's view to the browser tests.
'use strict';

const $ = (selector) => document.querySelector(selector);
const app = { options: null, datasets: [], selectedJob: null, events: null, liveView: null, lastEpoch: 0, queuedMessage: null };
window.hourglassApp = app;

// Every request that changes something carries this header; the server refuses those
// without it, so that another site's page cannot post to this server.
const changing = { 'X-Requested-With': 'hourglass' };

function showMessage(text, isError = true) {
  const box = $('#message');
  box.textContent = text;
  box.className = isError ? 'error' : 'info';
  box.hidden = !text;
}

// fetch() that turns the server's {"error": ...} answers into exceptions with its message.
async function request(url, init = {}) {
  const response = await fetch(url, init);
  const type = response.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body && body.error ? body.error : `${response.status} ${response.statusText}`);
  return body;
}

function fillSelect(select, values, chosen) {
  select.replaceChildren(...values.map((value) => new Option(value, value, false, value === chosen)));
}

function formatNumber(value) {
  return typeof value === 'number' ? value.toPrecision(4).replace(/\.?0+(e|$)/, '$1') : '';
}

// --- data sets ---------------------------------------------------------------------

async function loadDatasets(select) {
  app.datasets = await request('/api/datasets');
  const names = app.datasets.map((d) => d.name);
  for (const element of [$('#dataset'), $('#score-dataset')]) {
    fillSelect(element, names, select || element.value || names[names.length - 1]);
  }
  describeDataset();
}

function describeDataset() {
  const info = app.datasets.find((d) => d.name === $('#dataset').value);
  $('#dataset-info').textContent = info
    ? `${info.rows} rows of shape ${info.shape.join('x')}` + (info.label ? `; labels from the column ${info.label}` : '')
    : 'Upload a data set to start.';
  checkNetwork();
}

async function upload(event) {
  event.preventDefault();
  const file = $('#file').files[0];
  if (!file) return showMessage('Choose a file to upload first.');
  const limit = app.options.limits.max_upload_bytes;
  if (file.size > limit) {
    return showMessage(`${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB, more than the limit of ${limit / 2 ** 20} MiB.`);
  }
  const form = new FormData();
  form.append('file', file);
  try {
    const info = await request('/api/datasets', { method: 'POST', body: form, headers: changing });
    // The list first, then the message: whoever waits for the message finds the set chosen.
    await loadDatasets(info.name);
    showMessage(`Uploaded ${info.name}: ${info.rows} rows.`, false);
  } catch (error) {
    showMessage(`Upload failed: ${error.message}`);
  }
}

// --- the training form -------------------------------------------------------------

// A variant's box and, shown while it is checked, an input per parameter, from the
// server's declaration of the variants (/api/options variant_kinds).
function addVariant(kind) {
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = kind.name;
  box.id = `type-${kind.name}`;
  box.dataset.isType = kind.is_type;
  const label = document.createElement('label');
  label.title = kind.help;
  label.append(box, ` ${kind.name.replace('_', ' ')}`);
  const fields = document.createElement('span');
  fields.className = 'variant-parameters';
  fields.hidden = true;
  for (const parameter of kind.parameters) fields.append(parameterField(kind, parameter));
  box.addEventListener('change', () => {
    fields.hidden = !box.checked;
    checkNetwork();
  });
  $('#variants').append(label, fields);
}

function parameterField(kind, parameter) {
  const input = document.createElement('input');
  input.id = `${kind.name}-${parameter.name}`;
  input.dataset.option = parameter.option;
  input.dataset.kind = parameter.kind;
  const value = parameter.default;
  if (parameter.kind === 'flag') {
    input.type = 'checkbox';
    input.checked = value === true;
  } else {
    input.type = parameter.kind === 'integer' || parameter.kind === 'number' ? 'number' : 'text';
    if (input.type === 'number') input.step = 'any';
    input.value = value === null ? '' : Array.isArray(value) ? value.join(',') : value;
  }
  input.addEventListener(parameter.kind === 'flag' ? 'change' : 'input', checkNetwork);
  const field = document.createElement('label');
  field.title = `${parameter.help} (${parameter.type})`;
  field.append(`${parameter.name.replace('_', ' ')} `, input);
  return field;
}

function chosenTypes() {
  const boxes = document.querySelectorAll('#variants input[data-is-type="true"]:checked');
  const types = Array.from(boxes).map((box) => box.value);
  return types.length ? types.join(',') : 'basic';
}

// An input's value as the request takes it; null when left empty. Sizes go as a list of
// integers, or as typed for the server to say what is wrong.
function parameterValue(input) {
  const text = input.value.trim();
  switch (input.dataset.kind) {
    case 'flag':
      return input.checked;
    case 'integer':
    case 'number':
      return text === '' ? null : Number(text);
    case 'sizes': {
      const sizes = text.split(',').map((size) => Number(size.trim()));
      return sizes.every(Number.isInteger) ? sizes : text;
    }
    default:
      return text === '' ? null : text;
  }
}

// The chosen variants' parameters by request field. A parameter without a field of its
// own is written after the one before and a colon: the noise "gaussian:0.1".
function chosenVariantOptions() {
  const options = {};
  let previous = null;
  for (const input of document.querySelectorAll('#variants .variant-parameters:not([hidden]) input')) {
    const value = parameterValue(input);
    if (input.dataset.option === '') {
      if (previous in options && value !== null) options[previous] += `:${value}`;
    } else {
      previous = input.dataset.option;
      if (value !== null) options[previous] = value;
    }
  }
  return options;
}

let checkTimer = null;
// Shows the learner and its layers for the network as typed, or what is wrong with it.
function checkNetwork() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const dataset = $('#dataset').value;
    if (!dataset) return;
    const query = new URLSearchParams({ dataset, network: $('#network').value, types: chosenTypes(), loss: $('#loss').value });
    for (const [option, value] of Object.entries(chosenVariantOptions())) query.set(option, JSON.stringify(value));
    try {
      const summary = await request(`/api/summary?${query}`);
      $('#summary').textContent = summary.text;
      $('#summary').classList.remove('invalid');
    } catch (error) {
      $('#summary').textContent = error.message;
      $('#summary').classList.add('invalid');
    }
  }, 250);
}

async function startTraining(event) {
  event.preventDefault();
  const number = (id) => Number($(id).value);
  const body = {
    dataset: $('#dataset').value,
    network: $('#network').value,
    types: chosenTypes(),
    loss: $('#loss').value,
    optimizer: $('#optimizer').value,
    learning_rate: number('#learning-rate'),
    scale: $('#scale').value,
    epochs: number('#epochs'),
    batch_size: number('#batch-size'),
    validation_split: number('#validation-split'),
    name: $('#model-name').value.trim(),
    ...chosenVariantOptions(),
  };
  if ($('#seed').value !== '') body.seed = number('#seed');
  try {
    const job = await request('/api/trainings', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { ...changing, 'Content-Type': 'application/json' },
    });
    showMessage(`Training #${job.id} queued: it writes ${job.model}.`, false);
    app.queuedMessage = job.id;  // cleared when that training starts (showJob)
    await loadJobs();
    selectJob(job.id);
  } catch (error) {
    showMessage(`Cannot train: ${error.message}`);
  }
}

// --- trainings -----------------------------------------------------------------------

async function loadJobs() {
  const jobs = await request('/api/trainings');
  $('#jobs tbody').replaceChildren(
    ...jobs.map((job) => {
      const row = document.createElement('tr');
      row.dataset.job = job.id;
      row.className = job.id === app.selectedJob ? 'selected' : '';
      const loss = job.last ? job.last.values.loss : undefined;
      for (const text of [job.id, job.model, job.dataset, job.state, `${job.epochs_done}/${job.epochs}`, formatNumber(loss)]) {
        row.insertCell().textContent = text;
      }
      row.addEventListener('click', () => selectJob(job.id));
      return row;
    }),
  );
}

function liveChartSpec() {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 240,
    // The chart starts empty: the axes and the legend are laid out again as epochs arrive.
    autosize: { type: 'pad', resize: true },
    data: { name: 'history' },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'set', type: 'nominal', title: null, sort: ['training', 'validation'] },
    },
  };
}

async function selectJob(id) {
  if (app.events) app.events.close();
  app.selectedJob = id;
  app.lastEpoch = 0;
  for (const row of document.querySelectorAll('#jobs tbody tr')) row.className = Number(row.dataset.job) === id ? 'selected' : '';
  $('#job').hidden = false;
  $('#job-title').textContent = `Training #${id}`;
  for (const link of ['#report-link', '#download-model', '#download-encoding']) $(link).hidden = true;
  const result = await vegaEmbed('#live-chart', liveChartSpec(), { renderer: 'svg', actions: false });
  app.liveView = result.view;
  // The stream sends every epoch so far, then each new one as training goes.
  const events = new EventSource(`/api/trainings/${id}/events`);
  app.events = events;
  events.addEventListener('epoch', (message) => {
    const record = JSON.parse(message.data);
    if (record.epoch <= app.lastEpoch) return;
    app.lastEpoch = record.epoch;
    const rows = [];
    if ('loss' in record.values) rows.push({ epoch: record.epoch, set: 'training', value: record.values.loss });
    if ('val_loss' in record.values) rows.push({ epoch: record.epoch, set: 'validation', value: record.values.val_loss });
    app.liveView.insert('history', rows).run();
  });
  events.addEventListener('state', (message) => {
    const job = JSON.parse(message.data);
    showJob(job);
    if (!['queued', 'running'].includes(job.state)) events.close();  // the stream ends; no reconnection
    loadJobs();
    if (job.state === 'done' || job.state === 'stopped') loadModels();
  });
}

function showJob(job) {
  const finished = !['queued', 'running'].includes(job.state);
  if (job.state !== 'queued' && app.queuedMessage === job.id) {
    showMessage('');  // "queued" is no longer true; the job's state line says what it is
    app.queuedMessage = null;
  }
  $('#job-state').textContent =
    `${job.state}: ${job.model}, ${job.types.join(', ')} on ${job.dataset}` + (job.message ? ` (${job.message})` : '');
  $('#job-state').dataset.state = job.state;
  $('#stop').disabled = finished;
  const saved = job.state === 'done' || job.state === 'stopped';
  const model = encodeURIComponent(job.model);
  const dataset = encodeURIComponent(job.dataset);
  $('#report-link').href = `/api/models/${model}/report?dataset=${dataset}`;
  $('#download-model').href = `/api/models/${model}`;
  $('#download-encoding').href = `/api/models/${model}/encoding?dataset=${dataset}`;
  for (const link of ['#report-link', '#download-model', '#download-encoding']) $(link).hidden = !saved;
}

async function stopJob() {
  try {
    await request(`/api/trainings/${app.selectedJob}/stop`, { method: 'POST', headers: changing });
  } catch (error) {
    showMessage(`Cannot stop: ${error.message}`);
  }
}

// --- models ------------------------------------------------------------------------

function link(text, href, download) {
  const a = document.createElement('a');
  a.textContent = text;
  a.href = href;
  if (download) a.download = '';
  else a.target = '_blank';
  return a;
}

async function loadModels() {
  const models = await request('/api/models');
  $('#models tbody').replaceChildren(
    ...models.map((model) => {
      const row = document.createElement('tr');
      for (const text of [model.name, model.types.join(', '), model.epochs, formatNumber(model.loss)]) {
        row.insertCell().textContent = text;
      }
      const actions = row.insertCell();
      const name = encodeURIComponent(model.name);
      const dataset = () => encodeURIComponent($('#score-dataset').value);
      const report = link('report', '#', false);
      report.addEventListener('click', () => (report.href = `/api/models/${name}/report?dataset=${dataset()}`));
      const scores = link('scores', '#', true);
      scores.addEventListener('click', () => (scores.href = `/api/models/${name}/scores?dataset=${dataset()}`));
      const score = document.createElement('button');
      score.type = 'button';
      score.textContent = 'score';
      score.addEventListener('click', () => scoreData(model.name));
      actions.append(report, ' ', link('model file', `/api/models/${name}`, true), ' ', scores, ' ', score);
      return row;
    }),
  );
}

// Each row's reconstruction error on the chosen data set, summarised.
async function scoreData(model) {
  const dataset = $('#score-dataset').value;
  try {
    const csv = await request(`/api/models/${encodeURIComponent(model)}/scores?dataset=${encodeURIComponent(dataset)}`);
    const errors = csv.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const worst = errors.indexOf(Math.max(...errors));
    $('#score-result').textContent =
      `${model} on ${dataset}: ${errors.length} rows, mean error ${formatNumber(mean)}, ` +
      `largest ${formatNumber(errors[worst])} (row ${worst + 1}).`;
  } catch (error) {
    showMessage(`Cannot score: ${error.message}`);
  }
}

// --- start ---------------------------------------------------------------------------

async function start() {
  try {
    app.options = await request('/api/options');
  } catch (error) {
    return showMessage(`The server does not answer: ${error.message}`);
  }
  const o = app.options;
  const d = o.defaults;
  $('#network').value = d.network;
  fillSelect($('#loss'), o.losses, d.loss);
  fillSelect($('#optimizer'), o.optimizers, d.optimizer);
  fillSelect($('#scale'), o.scalers, d.scale);
  $('#learning-rate').value = d.learning_rate;
  $('#epochs').value = d.epochs;
  $('#epochs').max = o.limits.max_epochs;
  $('#batch-size').value = d.batch_size;
  $('#validation-split').value = d.validation_split;
  $('#layer-names').textContent = o.layers.join(', ');
  $('#upload-hint').textContent = `At most ${o.limits.max_upload_bytes / 2 ** 20} MiB; a non-numeric column is kept as the labels.`;
  for (const kind of o.variant_kinds) addVariant(kind);
  $('#upload-form').addEventListener('submit', upload);
  $('#train-form').addEventListener('submit', startTraining);
  $('#dataset').addEventListener('change', describeDataset);
  $('#network').addEventListener('input', checkNetwork);
  $('#loss').addEventListener('change', checkNetwork);
  $('#stop').addEventListener('click', stopJob);
  await Promise.all([loadDatasets(), loadJobs(), loadModels()]);
  document.body.dataset.ready = 'true';
}

start();
