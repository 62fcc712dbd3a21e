// What bench/synth.js and bench/synth-compare.js share: one synthesis in a fresh node process, timed around
// the whole process (module loading included), and the statistics they report.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Runs `<checkout>/bench/synth-app.js <app>` into a scratch folder; wall ms and the child's peak RSS. */
function synthOnce(checkout, app, preloadIndex = false) {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-')), 'cdktf.out');
  const args = [...(preloadIndex ? ['-r', '@cdktf/provider-azurerm'] : []), path.join(checkout, 'bench', 'synth-app.js'), String(app), outdir];
  const started = process.hrtime.bigint();
  const reported = JSON.parse(execFileSync(process.execPath, args, { cwd: checkout, encoding: 'utf8' }));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  return { wallMs, maxRssMb: reported.maxRssMb };
}

module.exports = { loadAverage, median, synthOnce };
