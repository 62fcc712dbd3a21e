import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, Aspects, TerraformStack } from 'cdktf';
import { ConfigurationError, stagingDirFor, synthesizeApp } from '../../constructs/core/synthesis';
import { LogAnalytics } from '../../constructs/monitoring/log-analytics';
import { PolicyAspect } from '../../constructs/policies/policy-aspect';
import { suppressPolicy } from '../../constructs/policies/suppressions';
import { LOCATION, namespace, naming } from './helpers';

/** An app in a scratch folder with one stack holding an Event Hubs namespace open to the internet. */
function appWithPublicNamespace() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-synth-'));
  const outdir = path.join(root, 'cdktf.out');
  const app = new App({ outdir: stagingDirFor(outdir), skipValidation: false });
  const stack = new TerraformStack(app, 'dev-platform');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const events = namespace(stack, { localAuthentication: false, network: { publicNetworkAccess: true, defaultAction: 'Allow' } });
  new LogAnalytics(stack, 'Logs', { naming, resourceGroupName: 'rg', location: LOCATION }).addDiagnostics('Events', events.resource);
  Aspects.of(stack).add(new PolicyAspect({ environment: 'dev' }));
  return { root, outdir, app, events };
}

describe('synthesizeApp with the PolicyAspect', () => {
  test('an unsuppressed error finding throws ConfigurationError and writes nothing', () => {
    // GIVEN
    const { root, outdir, app } = appWithPublicNamespace();
    // WHEN
    let error: unknown;
    try {
      synthesizeApp(app, outdir);
    } catch (caught) {
      error = caught;
    }
    // THEN
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      '[dev-platform/Events/Resource] [SP-NET1] dev-platform/Events/Resource (azurerm_eventhub_namespace) is non-compliant: the public endpoint must be disabled, or restricted by a network rule whose default action is Deny. Fix: set public_network_access_enabled = false (private endpoints), or network_rulesets { default_action = "Deny" } with the allowed IP ranges and subnets',
    ]);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('with the finding suppressed it synthesizes, the suppression recorded as info in the manifest', () => {
    // GIVEN
    const { outdir, app, events } = appWithPublicNamespace();
    suppressPolicy(events, 'SP-NET1', 'dev is public by design: no private network in dev');
    // WHEN
    synthesizeApp(app, outdir);
    // THEN
    expect(fs.existsSync(path.join(outdir, 'stacks', 'dev-platform', 'cdk.tf.json'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['dev-platform'].annotations.filter((a: { message: string }) => a.message.startsWith('[SP-'))).toEqual([
      {
        constructPath: 'dev-platform/Events/Resource',
        level: '@cdktf/info',
        message:
          '[SP-NET1] dev-platform/Events/Resource (azurerm_eventhub_namespace) is non-compliant but suppressed on dev-platform/Events: dev is public by design: no private network in dev',
      },
    ]);
  });
});
