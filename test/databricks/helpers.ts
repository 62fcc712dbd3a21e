import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabricksProvider } from '@cdktf/provider-databricks/lib/provider';
import { type App, TerraformOutput, type TerraformStack, Testing } from 'cdktf';
import type { DatabricksWorkspace } from '../../constructs/databricks/databricks-workspace';
import type { SourceType } from '../../constructs/streams/stream-definition';
import { type StreamSpecV1, toStreamSpec } from '../../constructs/streams/stream-spec';
import type { StreamJobInput } from '../../jobs/stream-job-input';
import { DEFAULT_ENVIRONMENTS } from '../../stacks/config/defaults';
import type { DatabricksConfig, EnvironmentConfig } from '../../stacks/config/environment';
import { PlatformStack } from '../../stacks/platform-stack';
import { WorkspaceStack } from '../../stacks/workspace-stack';
import { synthJson, type TerraformJson, testStack } from '../helpers/synth';

/** The synthesized JSON of every stack of an app after a full `app.synth()` (cross-stack references resolved). */
export function fullSynth(app: App): Record<string, TerraformJson> {
  app.synth();
  const out: Record<string, TerraformJson> = {};
  const dir = path.join(app.outdir, 'stacks');
  for (const stack of fs.readdirSync(dir).sort()) out[stack] = JSON.parse(fs.readFileSync(path.join(dir, stack, 'cdk.tf.json'), 'utf8'));
  return out;
}

/** A temporary notebooks folder: notebooks (with the Databricks header), a non-notebook script and a package. */
export function fakeNotebooksDir(notebooks: readonly string[] = ['pipeline']): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebooks-'));
  for (const name of notebooks) {
    fs.writeFileSync(path.join(dir, `${name}.py`), `# Databricks notebook source\nprint("${name}")\n`);
  }
  fs.writeFileSync(path.join(dir, 'helper.py'), 'print("not a notebook")\n');
  fs.mkdirSync(path.join(dir, 'medallion', 'sub'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'medallion', '__pycache__'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'medallion', '__init__.py'), '');
  fs.writeFileSync(path.join(dir, 'medallion', 'spec.py'), 'SPEC = 1\n');
  fs.writeFileSync(path.join(dir, 'medallion', 'stream-spec.v1.schema.json'), '{}\n');
  fs.writeFileSync(path.join(dir, 'medallion', 'sub', 'util.py'), 'X = 2\n');
  fs.writeFileSync(path.join(dir, 'medallion', '__pycache__', 'spec.cpython-311.pyc'), 'compiled');
  return dir;
}

/** The dev environment with Databricks settings overridden. */
export function devConfig(databricks: Partial<DatabricksConfig> = {}, overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  const dev = DEFAULT_ENVIRONMENTS.dev;
  return { ...dev, ...overrides, databricks: { ...dev.databricks, ...databricks } };
}

export interface Environment {
  readonly app: App;
  readonly platform: PlatformStack;
  readonly databricks: DatabricksWorkspace;
  readonly workspace: WorkspaceStack;
}

/** A platform stack (with its Databricks workspace) and the workspace stack of one environment. */
export function environment(config: EnvironmentConfig = devConfig(), notebooksDir = fakeNotebooksDir()): Environment {
  const app = Testing.app();
  const platform = new PlatformStack(app, `${config.name}-platform`, { config });
  const databricks = platform.databricks;
  const workspace = new WorkspaceStack(app, `${config.name}-workspace`, { config, platform, workspace: databricks, notebooksDir });
  return { app, platform, databricks, workspace };
}

/** What a test changes of the default stream: its spec's name, source type and partitions, or the input itself. */
export type StreamOverrides = Partial<StreamJobInput> & { name?: string; source?: SourceType; partitions?: number };

/** A valid stream of the kafka or eventhubs kind. */
export function stream(overrides: StreamOverrides = {}): StreamJobInput {
  const { name = 'orders', source = 'eventhubs', partitions = 4, ...input } = overrides;
  return {
    spec: ordersSpec(name, source, partitions),
    eventHubNamespaceTier: 'Standard',
    credential: { type: 'sas', secretName: 'orders-listen' },
    ...input,
  };
}

/** A fresh stack with azurerm and Databricks providers, for Databricks constructs under test. */
export function databricksTestStack(id = 'test'): TerraformStack {
  const stack = testStack(id);
  new DatabricksProvider(stack, 'databricks', {});
  return stack;
}

let resolved = 0;
/** What a token resolves to in `stack`'s JSON (through a throwaway output). */
export function resolveIn(stack: TerraformStack, value: unknown): unknown {
  const id = `resolved${resolved++}`;
  new TerraformOutput(stack, id, { value });
  return synthJson(stack).output?.[id]?.value;
}

/** A complete, valid stream spec for the jobs under test. */
export function ordersSpec(name = 'orders', source: SourceType = 'eventhubs', partitions = 4): StreamSpecV1 {
  return toStreamSpec({
    name,
    schema: {
      fields: [
        { name: 'order_id', type: 'string', required: true },
        { name: 'store_id', type: 'string', required: true },
        { name: 'ts', type: 'timestamp', required: true },
        { name: 'amount', type: 'double', min: 0 },
      ],
    },
    eventTimeField: 'ts',
    eventIdField: 'order_id',
    entityField: 'store_id',
    source: { type: source, partitions, retentionDays: 1, consumerGroups: { bronze: 'databricks' } },
    watermark: '5 minutes',
    windows: [{ id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' }],
    aggregation: { dimensions: ['store_id'], measures: ['amount'] },
  });
}
