// One synthesis of the compiled app (dist/) into a scratch folder; prints its peak RSS as JSON for
// bench/synth.js. `default` is the default app (3 environments, the 3 example streams). A number N is the
// same 3 environments with exactly N streams each, added through `addStream` as a platform team adds
// them: copies of the IoT telemetry stream under unique names, each with its event hub, consumer group,
// listen rule, Key Vault secret, alerts, jobs, anomaly alert and dashboard.
// Usage: node bench/synth-app.js <default|streamsPerEnvironment> <outdir>
const path = require('node:path');
const { App } = require('cdktf');
const dist = path.join(__dirname, '..', 'dist');
const { addEnvironment, addStream, buildApp } = require(path.join(dist, 'stacks/app'));
const { DEFAULT_ENVIRONMENTS } = require(path.join(dist, 'stacks/config/defaults'));
const { loadEnvironments } = require(path.join(dist, 'stacks/config/load'));
const { iotTelemetry } = require(path.join(dist, 'stacks/streams/iot-telemetry'));
const { synthesizeApp, stagingDirFor } = require(path.join(dist, 'constructs/core/synthesis'));

// Azure allows 10 event hubs per Standard namespace and, on Premium, 100 event hubs and 200 partitions
// per processing unit. 100 streams of 4 partitions need Premium with 2 PUs, so every generated app runs
// on that (overridden like any environment setting), keeping the tier constant from 1 to 100 streams.
const SCALE_OVERRIDE = { eventHubs: { tier: 'Premium', capacity: 2, autoInflateMaxThroughputUnits: 0 } };

function streamDefinition(i) {
  const name = `bench-${String(i).padStart(3, '0')}`;
  return {
    ...iotTelemetry,
    name,
    description: `Benchmark stream ${i}, shaped like IoT telemetry.`,
    source: { ...iotTelemetry.source, eventHubName: `evh-${name}` },
    target: { ...iotTelemetry.target, table: name.replace(/-/g, '_') },
  };
}

function generatedApp(streamsPerEnvironment, outdir) {
  const context = Object.fromEntries(Object.keys(DEFAULT_ENVIRONMENTS).map((name) => [name, SCALE_OVERRIDE]));
  const { environments, problems } = loadEnvironments({ context });
  // buildApp's app, with generated streams in place of the example streams.
  const app = new App({ outdir: stagingDirFor(outdir), skipValidation: false });
  app.node.addValidation({ validate: () => [...problems] });
  const definitions = Array.from({ length: streamsPerEnvironment }, (_, i) => streamDefinition(i));
  for (const config of environments) {
    const stacks = addEnvironment(app, config, []);
    for (const definition of definitions) addStream(stacks, definition);
  }
  return app;
}

function defaultApp(outdir) {
  const { environments, problems } = loadEnvironments();
  return buildApp(environments, stagingDirFor(outdir), problems);
}

const [which = 'default', outdir] = process.argv.slice(2);
if (which !== 'default' && !/^[1-9][0-9]*$/.test(which)) {
  throw new Error(`streams per environment = '${which}' is invalid; allowed: 'default' or a positive integer`);
}
synthesizeApp(which === 'default' ? defaultApp(outdir) : generatedApp(Number(which), outdir), outdir);
process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
