#!/usr/bin/env node
// Rows per second of ONNX Runtime (onnxruntime-node) running an ONNX file on rows in
// memory, for bench/inference.py: a warm-up run, then the median of REPEATS runs.
//
//   node tools/onnx/time_onnx.js MODEL FILE:ROWSxCOLS THREADS [REPEATS]
//
// FILE holds ROWS x COLS little-endian float32 values, fed to the model's one input;
// THREADS is the session's intra-op thread count (one inter-op thread, sequential
// execution). Prints {"rows", "threads", "rows_per_second"} as JSON.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, spec, threadArg, repeatArg] = process.argv.slice(2);
  const match = /^(.+):(\d+)x(\d+)$/.exec(spec || '');
  if (!model || !match || !threadArg) throw new Error('usage: time_onnx.js MODEL FILE:ROWSxCOLS THREADS [REPEATS]');
  const [, file, rows, cols] = match;
  const threads = Number(threadArg), repeats = Number(repeatArg || 5);
  const bytes = fs.readFileSync(file);
  const values = Float32Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', values, [Number(rows), Number(cols)]) };
  await session.run(feeds);  // warm-up
  const seconds = [];
  for (let i = 0; i < repeats; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(repeats / 2)];
  console.log(JSON.stringify({ rows: Number(rows), threads, rows_per_second: Number(rows) / median }));
}

main().catch((error) => {
  console.error(`time_onnx: ${error.message}`);
  process.exit(1);
});
