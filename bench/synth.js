// Synthesis benchmark: wall time and peak memory of the default app (3 environments, 3 example streams)
// and of the same 3 environments with exactly 1, 10 and 100 streams each (see synth-app.js); each case
// also with the azurerm package index loaded first (what `import { eventhub } from '@cdktf/provider-azurerm'`
// costs), beside the deep imports the package uses. Medians of RUNS fresh node processes per cell.
// Needs `npm run build` first.
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
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function measure(app, preloadIndex) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-')), 'cdktf.out');
    const args = [...(preloadIndex ? ['-r', '@cdktf/provider-azurerm'] : []), path.join(__dirname, 'synth-app.js'), String(app), outdir];
    // Wall time is taken around the whole process, so loading modules (the index) is counted.
    const started = process.hrtime.bigint();
    const reported = JSON.parse(execFileSync(process.execPath, args, { cwd: path.join(__dirname, '..'), encoding: 'utf8' }));
    samples.push({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, maxRssMb: reported.maxRssMb });
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  }
  return { wallMs: median(samples.map((s) => s.wallMs)), maxRssMb: median(samples.map((s) => s.maxRssMb)) };
}

console.log(`${new Date().toISOString()}, node ${process.version}, ${runs} runs per cell, load average ${load()}`);
const rows = [];
for (const app of ['default', 1, 10, 100]) {
  rows.push({ app, deep: measure(app, false), index: measure(app, true) });
}
console.log(`finished ${new Date().toISOString()}, load average ${load()}\n`);
console.log('| streams per environment | deep imports: wall ms | peak MB | index import: wall ms | peak MB | index / deep |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const label = row.app === 'default' ? 'default app (3 example streams)' : String(row.app);
  const ratio = (row.index.wallMs / row.deep.wallMs).toFixed(1);
  console.log(
    `| ${label} | ${row.deep.wallMs.toFixed(0)} | ${row.deep.maxRssMb.toFixed(0)} | ${row.index.wallMs.toFixed(0)} | ${row.index.maxRssMb.toFixed(0)} | ${ratio}× |`,
  );
}
// The slope over the widest range: single steps drown in start-up noise.
const one = rows.find((row) => row.app === 1);
const hundred = rows.find((row) => row.app === 100);
const perStream = (field) => (hundred.deep[field] - one.deep[field]) / 99;
console.log(
  `\nper stream added to each of the 3 environments (deep imports, slope from 1 to 100): ${perStream('wallMs').toFixed(1)} ms, ${perStream('maxRssMb').toFixed(2)} MB`,
);
