// Synthesis benchmark: wall time and peak memory of the default app (3 environments), and of the same
// app with 1, 10 and 100 extra event hubs per environment; each case also with the azurerm package
// index loaded first (what `import { eventhub } from '@cdktf/provider-azurerm'` costs), beside the deep
// imports the package uses. Medians of RUNS fresh node processes. Needs `npm run build` first.
// Usage: node bench/synth.js [runs=5]
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runs = Number(process.argv[2] ?? 5);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure(extraHubs, preloadIndex) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-')), 'cdktf.out');
    const args = [...(preloadIndex ? ['-r', '@cdktf/provider-azurerm'] : []), path.join(__dirname, 'synth-app.js'), String(extraHubs), outdir];
    // Wall time is taken around the whole process, so loading modules (the index) is counted.
    const started = process.hrtime.bigint();
    const reported = JSON.parse(execFileSync(process.execPath, args, { cwd: path.join(__dirname, '..'), encoding: 'utf8' }));
    samples.push({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, maxRssMb: reported.maxRssMb });
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  }
  return { wallMs: median(samples.map((s) => s.wallMs)), maxRssMb: median(samples.map((s) => s.maxRssMb)) };
}

const rows = [];
for (const extraHubs of [0, 1, 10, 100]) {
  rows.push({ extraHubs, deep: measure(extraHubs, false), index: measure(extraHubs, true) });
}
console.log('| extra event hubs per environment | deep imports: wall ms | peak MB | index import: wall ms | peak MB | index / deep |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const ratio = (row.index.wallMs / row.deep.wallMs).toFixed(1);
  console.log(
    `| ${row.extraHubs} | ${row.deep.wallMs.toFixed(0)} | ${row.deep.maxRssMb.toFixed(0)} | ${row.index.wallMs.toFixed(0)} | ${row.index.maxRssMb.toFixed(0)} | ${ratio}× |`,
  );
}
// The slope over the widest range: single steps drown in start-up noise.
const last = rows[rows.length - 1];
const slope = (last.deep.wallMs - rows[0].deep.wallMs) / last.extraHubs;
console.log(`\nper extra event hub in each of the 3 environments: ${slope.toFixed(1)} ms (deep imports, slope from 0 to ${last.extraHubs})`);
