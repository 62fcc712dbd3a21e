import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { stagingDirFor, synthesizeApp } from '../constructs/core/synthesis';
import { addEnvironment, addStream, buildApp } from '../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import { loadEnvironments } from '../stacks/config/load';
import { iotTelemetry } from '../stacks/streams/iot-telemetry';

/** The default app as `npm run synth` writes it, read back stack by stack. */
function synthesizeDefaultApp(): Record<string, string> {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'default-app-')), 'cdktf.out');
  const { environments, problems } = loadEnvironments();
  synthesizeApp(buildApp(environments, stagingDirFor(outdir), problems), outdir);
  const stacks: Record<string, string> = {};
  for (const stack of fs.readdirSync(path.join(outdir, 'stacks')).sort()) {
    stacks[stack] = fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
  }
  return stacks;
}

describe('the default app', () => {
  const stacks = synthesizeDefaultApp();

  test.each(['dev', 'staging', 'prod'].flatMap((env) => [`${env}-platform`, `${env}-workspace`]))('%s matches its snapshot', (name) => {
    expect(stacks[name]).toMatchSnapshot();
  });

  test("the workspace stack reads the platform stack's state from the path the platform stack writes it to", () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const platform = JSON.parse(stacks[`${env}-platform`]);
      const workspace = JSON.parse(stacks[`${env}-workspace`]);
      const remote = workspace.data.terraform_remote_state[`cross-stack-reference-input-${env}-platform`];
      expect(remote.config.path).toBe(platform.terraform.backend.local.path);
    }
  });

  test('prod protects its stateful resources from terraform destroy; dev does not', () => {
    const prod = JSON.parse(stacks['prod-platform']);
    const dev = JSON.parse(stacks['dev-platform']);
    for (const type of ['azurerm_storage_account', 'azurerm_key_vault', 'azurerm_eventhub_namespace', 'azurerm_eventhub', 'azurerm_databricks_workspace']) {
      for (const body of Object.values(prod.resource[type]) as Array<{ lifecycle?: { prevent_destroy?: boolean } }>) {
        expect(body.lifecycle?.prevent_destroy).toBe(true);
      }
      for (const body of Object.values(dev.resource[type]) as Array<{ lifecycle?: unknown }>) expect(body.lifecycle).toBeUndefined();
    }
  });

  test('no key material and no path of this machine in any stack', () => {
    for (const text of Object.values(stacks)) {
      expect(text).not.toMatch(/SharedAccessKey=|AccountKey=|dapi[0-9a-f]{32}/);
      expect(text).not.toContain(os.homedir());
      expect(text).not.toContain(process.cwd());
    }
  });
});

describe('streams added after the environment', () => {
  test('are protected in prod like the example streams', () => {
    const app = Testing.app();
    const prod = addEnvironment(app, DEFAULT_ENVIRONMENTS.prod, []);
    addStream(prod, { ...iotTelemetry, name: 'late-stream', source: { ...iotTelemetry.source, eventHubName: undefined } });
    const json = JSON.parse(Testing.synth(prod.platform, true));
    const hubs = Object.values(json.resource.azurerm_eventhub) as Array<{ name: string; lifecycle?: { prevent_destroy?: boolean } }>;
    expect(hubs.map((hub) => [hub.name, hub.lifecycle?.prevent_destroy])).toEqual([['evh-late-stream', true]]);
  });
});
