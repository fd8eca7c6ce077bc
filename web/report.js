// Draws the charts of an Hourglass report. The page (src/report/report.cpp) holds the
// numbers as JSON in #hourglass-report-data and an element [data-chart=ID] for each
// chart; this turns each chart's numbers into a Vega-Lite spec and draws it with
// vega-embed (inlined above this script). window.hourglassReport.ready resolves to the
// Vega views by chart id once every chart is drawn: what the browser tests read.
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('hourglass-report-data').textContent);
  const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
  const zoom = (encodings) => [{ name: 'zoom', select: { type: 'interval', encodings }, bind: 'scales' }];

  const specs = {
    // One value per epoch, a line for the training data and one for validation data.
    history: (chart) => ({
      width: 340,
      height: 200,
      data: { values: chart.values },
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: chart.title, scale: { zero: false } },
        color: { field: 'set', type: 'nominal', title: null, sort: ['training', 'validation'] },
      },
      params: zoom(['x', 'y']),
    }),

    // Bars binned in C++ (so that a million rows cost forty bars), and the threshold.
    histogram: (chart) => {
      const layers = [
        {
          mark: { type: 'bar', tooltip: true, color: '#4c78a8' },
          encoding: {
            x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: chart.measure },
            x2: { field: 'end' },
            y: { field: 'count', type: 'quantitative', title: 'rows' },
          },
          params: zoom(['x']),
        },
      ];
      if (chart.threshold !== null) {
        layers.push({
          data: { values: [{ threshold: chart.threshold, above: chart.above_threshold }] },
          mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4], size: 2, tooltip: true },
          encoding: { x: { field: 'threshold', type: 'quantitative' } },
        });
      }
      return { width: 640, height: 240, data: { values: chart.values }, layer: layers };
    },

    // A point per row, coloured by the label when there is one.
    scatter: (chart) => {
      const tooltip = [{ field: 'row', type: 'quantitative' }];
      if (chart.color) tooltip.push({ field: 'label', type: chart.color_type, title: chart.color });
      tooltip.push({ field: 'x', type: 'quantitative', title: chart.x_title, format: '.4~g' });
      tooltip.push({ field: 'y', type: 'quantitative', title: chart.y_title, format: '.4~g' });
      // Padding widens the domain by 8 pixels a side: a point on a nice round extreme is
      // drawn whole, not half clipped by the plot's edge.
      const encoding = {
        x: { field: 'x', type: 'quantitative', title: chart.x_title, scale: { zero: false, padding: 8 } },
        y: { field: 'y', type: 'quantitative', title: chart.y_title, scale: { zero: false, padding: 8 } },
        tooltip,
      };
      if (chart.color) encoding.color = { field: 'label', type: chart.color_type, title: chart.color };
      return {
        width: 520,
        height: 420,
        data: { values: chart.values },
        mark: { type: 'circle', size: 36, opacity: 0.75 },
        encoding,
        params: zoom(['x', 'y']),
      };
    },

    // The autoencoder's error of each feature next to PCA's.
    features: (chart) => ({
      height: 240,
      width: { step: 28 },
      data: { values: chart.values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'feature', type: 'nominal', sort: null, title: null, axis: { labelAngle: -40 } },
        xOffset: { field: 'method', type: 'nominal' },
        y: { field: 'value', type: 'quantitative', title: chart.measure },
        color: { field: 'method', type: 'nominal', title: null },
      },
    }),

    // A few sequences with their reconstructions, one small chart each.
    sequences: (chart) => ({
      data: { values: chart.values },
      facet: { field: 'example', type: 'ordinal', title: 'example' },
      columns: 2,
      spec: {
        width: 300,
        height: 140,
        mark: { type: 'line', tooltip: true },
        encoding: {
          x: { field: 'position', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, sort: ['original', 'autoencoder', 'PCA'] },
        },
      },
    }),
  };

  const views = {};
  const drawn = Array.from(document.querySelectorAll('[data-chart]')).map((element) => {
    const chart = data.charts.find((c) => c.id === element.dataset.chart);
    const spec = Object.assign({ $schema: schema }, specs[chart.kind](chart));
    return vegaEmbed(element, spec, { renderer: 'svg', actions: false }).then(
      (result) => {
        views[chart.id] = result.view;
      },
      (error) => {
        element.textContent = 'This chart could not be drawn: ' + error.message;
        element.classList.add('failed');
        throw error;
      },
    );
  });
  window.hourglassReport = { data, views, ready: Promise.all(drawn).then(() => views) };
})();
