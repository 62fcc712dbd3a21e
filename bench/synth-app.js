// One synthesis of the default app (compiled in dist/), optionally with N extra event hubs per
// environment, into a scratch folder; prints its peak RSS as JSON for bench/synth.js.
// Usage: node bench/synth-app.js <extraHubsPerEnvironment> <outdir>
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
const { buildApp } = require(path.join(dist, 'stacks/app'));
const { loadEnvironments } = require(path.join(dist, 'stacks/config/load'));
const { synthesizeApp, stagingDirFor } = require(path.join(dist, 'constructs/core/synthesis'));

const extraHubs = Number(process.argv[2] ?? 0);
const outdir = process.argv[3];
const { environments, problems } = loadEnvironments();
const app = buildApp(environments, stagingDirFor(outdir), problems);
for (const stack of app.node.children) {
  if (!stack.namespace) continue;
  for (let i = 0; i < extraHubs; i++) {
    stack.namespace.addEventHub(`Bench${i}`, { name: `evh-bench-${i}`, partitions: 4, consumerGroups: ['cg-bronze'] });
  }
}
synthesizeApp(app, outdir);
process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
