// Synthesis benchmark: wall time and peak memory of the default app (3 environments, 3 example streams)
// and of the same 3 environments with exactly 1, 10 and 100 streams each (see synth-app.js); each case
// also with the azurerm package index loaded first (what `import { eventhub } from '@cdktf/provider-azurerm'`
// costs), beside the deep imports the package uses. Medians of RUNS fresh node processes per cell.
// Needs `npm run build` first.
// Usage: node bench/synth.js [runs=5]
const path = require('node:path');
const { loadAverage, median, synthOnce } = require('./synth-process');

const runs = Number(process.argv[2] ?? 5);
const root = path.join(__dirname, '..');

function measure(app, preloadIndex) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(synthOnce(root, app, preloadIndex));
  return { wallMs: median(samples.map((s) => s.wallMs)), maxRssMb: median(samples.map((s) => s.maxRssMb)) };
}

console.log(`${new Date().toISOString()}, node ${process.version}, ${runs} runs per cell, load average ${loadAverage()}`);
const rows = [];
for (const app of ['default', 1, 10, 100]) {
  rows.push({ app, deep: measure(app, false), index: measure(app, true) });
}
console.log(`finished ${new Date().toISOString()}, load average ${loadAverage()}\n`);
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
