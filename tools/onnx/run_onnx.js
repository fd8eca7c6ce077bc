#!/usr/bin/env node
// Runs an ONNX file in ONNX Runtime (onnxruntime-node), for the tests and the export
// example: the same inputs Hourglass computed on, the outputs back as raw bytes.
//
//   node tools/onnx/run_onnx.js MODEL OUT_DIR NAME=FILE:ROWSxCOLS [...]
//
// Each input FILE holds ROWS x COLS little-endian float32 values. Each output NAME is
// written to OUT_DIR/NAME.bin (float32, or int64 for integer outputs), and every
// output's type and shape to OUT_DIR/outputs.json. Exits 1 with the runtime's message
// when the session cannot be created or run.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const [model, outDir, ...specs] = process.argv.slice(2);
  if (!model || !outDir || specs.length === 0) {
    throw new Error('usage: run_onnx.js MODEL OUT_DIR NAME=FILE:ROWSxCOLS [...]');
  }
  const feeds = {};
  for (const spec of specs) {
    const match = /^([^=]+)=(.+):(\d+)x(\d+)$/.exec(spec);
    if (!match) throw new Error(`bad input '${spec}': expected NAME=FILE:ROWSxCOLS`);
    const [, name, file, rows, cols] = match;
    const bytes = fs.readFileSync(file);
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(values), [Number(rows), Number(cols)]);
  }
  const session = await ort.InferenceSession.create(model);
  const results = await session.run(feeds);
  const described = {};
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, tensor] of Object.entries(results)) {
    const data = tensor.data;
    fs.writeFileSync(path.join(outDir, `${name}.bin`), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    described[name] = { type: tensor.type, dims: tensor.dims };
  }
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify({ runtime: ort.env.versions, outputs: described }));
}

main().catch((error) => {
  console.error(`run_onnx: ${error.message}`);
  process.exit(1);
});
