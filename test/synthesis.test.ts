import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
        .map((name) => `${name}-platform`)
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
    expect((error as ConfigurationError).problems).toEqual([
      '[config] environments.prod.unknown is not a known setting; allowed: name, shortName, workload, region, uniqueSeed, subscriptionId, tags, network, eventHubs, storage, keyVault, databricks, backend',
      '[dev-platform/EventHubs] capacity = 0 is invalid; allowed: an integer from 1 to 40 for tier Basic',
      '[dev-platform/KeyVault] softDeleteDays = 100 is invalid; allowed: an integer from 7 to 90',
      "[prod-platform] config.workload = 'Bad Name' is invalid; allowed: 2–12 lowercase letters and digits, starting with a letter",
      `[prod-platform/Lake] name = 'stBad Nameprd${(error as ConfigurationError).problems[4].match(/prd([0-9a-f]{4})'/)?.[1]}' is invalid; allowed: 3–24 lowercase letters and digits`,
      '[prod-platform/Lake] softDeleteDays = 0 is invalid; allowed: an integer from 1 to 365',
      expect.stringMatching(/^\[prod-platform\/EventHubs\] name = 'evhns-Bad Name-prd-weu-[0-9a-f]{4}' is invalid/),
      expect.stringMatching(/^\[prod-platform\/KeyVault\] name = 'kv-Bad Name-prd-[0-9a-f]{4}' is invalid/),
    ]);
    expect((error as ConfigurationError).message).toMatch(/^Invalid configuration \(8 problems\):\n {2}\[config\] environments\.prod\.unknown/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
