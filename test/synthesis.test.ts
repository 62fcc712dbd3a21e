import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Naming } from '../constructs/core/naming';
import { ConfigurationError, stagingDirFor, synthesizeApp } from '../constructs/core/synthesis';
import { buildApp } from '../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import { loadEnvironments } from '../stacks/config/load';

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
}

function synthInto(outdir: string, context?: unknown): void {
  const { environments, problems } = loadEnvironments({ context });
  synthesizeApp(buildApp(environments, stagingDirFor(outdir), problems), outdir);
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return files;
}

describe('synthesizeApp', () => {
  test('a valid app writes every environment stack and leaves no staging folder', () => {
    const root = scratch();
    const outdir = path.join(root, 'cdktf.out');
    synthInto(outdir);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(
      Object.keys(DEFAULT_ENVIRONMENTS)
        .flatMap((name) => [`${name}-platform`, `${name}-workspace`])
        .sort(),
    );
    expect(fs.readdirSync(root)).toEqual(['cdktf.out']);
  });

  test('two runs give identical bytes', () => {
    const first = path.join(scratch(), 'cdktf.out');
    const second = path.join(scratch(), 'cdktf.out');
    synthInto(first);
    synthInto(second);
    expect(readTree(second)).toEqual(readTree(first));
  });

  test('an invalid config reports every problem at once and writes nothing', () => {
    const root = scratch();
    const outdir = path.join(root, 'cdktf.out');
    const context = {
      dev: { eventHubs: { tier: 'Basic', defaultRetentionDays: 1, capacity: 0 }, keyVault: { softDeleteDays: 100 } },
      prod: { workload: 'Bad Name', storage: { softDeleteDays: 0 }, unknown: true },
    };
    let error: unknown;
    try {
      synthInto(outdir, context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const suffix = new Naming({ workload: 'Bad Name', environment: 'prd', region: 'westeurope' }).suffix;
    expect((error as ConfigurationError).problems).toEqual([
      '[config] environments.prod.unknown is not a known setting; allowed: name, shortName, production, workload, region, uniqueSeed, subscriptionId, tags, network, eventHubs, storage, keyVault, databricks, monitoring, backend',
      '[dev-platform/EventHubs] capacity = 0 is invalid; allowed: an integer from 1 to 40 for tier Basic',
      // Basic breaks the example streams too: one consumer group, one day of retention, no Kafka endpoint.
      '[dev-platform/EventHubs/EventHub-iot-telemetry] consumerGroups = ["cg-bronze"] is invalid; allowed: at most 0 besides $Default for tier Basic (1 in all)',
      '[dev-platform/EventHubs/EventHub-manufacturing-sensors] retentionDays = 7 is invalid; allowed: an integer from 1 to 1 for tier Basic',
      '[dev-platform/EventHubs/EventHub-weather] retentionDays = 3 is invalid; allowed: an integer from 1 to 1 for tier Basic',
      '[dev-platform/KeyVault] softDeleteDays = 100 is invalid; allowed: an integer from 7 to 90',
      '[dev-platform/Alerts] throughputUnits = 0 is invalid; allowed: an integer from 1 to 40',
      "[dev-workspace/Stream-manufacturing-sensors] streams.manufacturing-sensors.eventHubNamespaceTier = 'Basic' is invalid; allowed: 'Standard' or 'Premium' for source 'kafka' (Basic has no Kafka endpoint); or use source 'eventhubs'",
      "[prod-platform] config.workload = 'Bad Name' is invalid; allowed: 2–12 lowercase letters and digits, starting with a letter",
      `[prod-platform/Lake] name = 'stBad Nameprd${suffix}' is invalid; allowed: 3–24 lowercase letters and digits`,
      '[prod-platform/Lake] softDeleteDays = 0 is invalid; allowed: an integer from 1 to 365',
      `[prod-platform/EventHubs] name = 'evhns-Bad Name-prd-weu-${suffix}' is invalid; allowed: 6–50 letters, digits and hyphens, starting with a letter and ending with a letter or digit`,
      `[prod-platform/KeyVault] name = 'kv-Bad Name-prd-${suffix}' is invalid; allowed: 3–24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no consecutive hyphens`,
      "[prod-platform/Databricks] name = 'dbw-Bad Name-prd-weu' is invalid; allowed: 3–64 letters, digits, hyphens and underscores, starting and ending with a letter or digit",
      "[prod-platform/Logs] name = 'log-Bad Name-prd-weu' is invalid; allowed: 4–63 letters, digits and hyphens, starting and ending with a letter or digit",
      "[prod-workspace/SecretScope] name = 'Bad Name-prod' is invalid; allowed: 1–128 letters, digits, dashes, underscores, @ and periods",
      "[prod-workspace/UnityCatalog] catalogName = 'Bad Name_prod' is invalid; allowed: 1–255 lowercase letters, digits and underscores, starting with a letter",
    ]);
    expect((error as ConfigurationError).message).toMatch(/^Invalid configuration \(17 problems\):\n {2}\[config\] environments\.prod\.unknown/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
