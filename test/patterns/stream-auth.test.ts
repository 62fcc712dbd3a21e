import { Testing } from 'cdktf';
import { MedallionPipeline } from '../../constructs/patterns/medallion-pipeline';
import { addEnvironment } from '../../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../../stacks/config/defaults';
import type { EnvironmentConfig } from '../../stacks/config/environment';
import { iotTelemetry } from '../../stacks/streams/iot-telemetry';
import { manufacturingSensors } from '../../stacks/streams/manufacturing-sensors';
import { fullSynth } from '../databricks/helpers';
import { problemsOf, refOf, resourcesOf, streamJobsOf, type TerraformJson, testStack } from '../helpers/synth';

const APPLICATION_ID = '0a1b2c3d-0000-4000-8000-00000000a001';
const OBJECT_ID = '0a1b2c3d-0000-4000-8000-00000000b002';
const CROSS_STACK = (env: string, type: string, attribute: string) =>
  new RegExp(`^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${env}-platform\\.outputs\\.cross-stack-output-${type}.+${attribute}\\}$`);

function environment(config: EnvironmentConfig, streams = [manufacturingSensors, iotTelemetry]) {
  const app = Testing.app();
  const stacks = addEnvironment(app, config, streams);
  return { app, ...stacks };
}

function withHubs(base: EnvironmentConfig, eventHubs: Partial<EnvironmentConfig['eventHubs']>): EnvironmentConfig {
  return { ...base, eventHubs: { ...base.eventHubs, ...eventHubs } };
}

/** The vault's connection strings (its other secret, the alert relay's URL, is not one). */
function connectionStringSecrets(json: TerraformJson): unknown[] {
  return Object.values(resourcesOf(json, 'azurerm_key_vault_secret'))
    .filter((secret) => secret.content_type === 'Event Hubs connection string (listen)')
    .map((secret) => secret.name);
}

type Task = { notebook_task: { base_parameters: Record<string, string> } };
function parametersOf(job: Record<string, unknown>): Record<string, string> {
  return (job.task as Task[])[0].notebook_task.base_parameters;
}

describe("Event Hubs auth 'entra'", () => {
  test('prod: the Kafka stream reads with a Unity Catalog service credential, no rule or secret; the eventhubs stream keeps SAS', () => {
    // GIVEN prod (auth 'entra', Unity Catalog on) with a Kafka and an eventhubs stream
    const { app, platform, pipelines } = environment(DEFAULT_ENVIRONMENTS.prod);
    const [kafka, eventhubs] = pipelines;
    const json = fullSynth(app);
    // THEN the Kafka stream has neither a rule nor a secret; the eventhubs stream has both
    expect(Object.values(resourcesOf(json['prod-platform'], 'azurerm_eventhub_authorization_rule')).map((r) => r.name)).toEqual([
      'iot-telemetry-bronze-listen',
    ]);
    expect(connectionStringSecrets(json['prod-platform'])).toEqual(['evh-iot-telemetry-listen']);
    expect([kafka.listenRule, kafka.connectionStringSecret]).toEqual([undefined, undefined]);
    // AND the access connector's identity holds Data Receiver on the Kafka stream's event hub only
    const receivers = Object.values(resourcesOf(json['prod-platform'], 'azurerm_role_assignment')).filter(
      (r) => r.role_definition_name === 'Azure Event Hubs Data Receiver',
    );
    expect(receivers).toEqual([
      {
        scope: refOf(kafka.eventHub.resource, 'id'),
        role_definition_name: 'Azure Event Hubs Data Receiver',
        principal_id: refOf(platform.databricks.accessConnector, 'identity[0].principal_id'),
        principal_type: 'ServicePrincipal',
        skip_service_principal_aad_check: true,
      },
    ]);
    expect(eventhubs.receiverRole).toBeUndefined();
    // AND the workspace has one service credential on the access connector, usable by the jobs' principal alone
    const workspace = json['prod-workspace'];
    expect(Object.values(resourcesOf(workspace, 'databricks_credential'))).toEqual([
      {
        name: 'stream_prod_eventhubs',
        purpose: 'SERVICE',
        azure_managed_identity: { access_connector_id: expect.stringMatching(CROSS_STACK('prod', 'azurerm_databricks_access_connector', 'id')) },
        comment: 'Access connector identity reading Event Hubs (Data Receiver per event hub)',
      },
    ]);
    const [credentialId] = Object.keys(resourcesOf(workspace, 'databricks_credential'));
    const grants = Object.values(resourcesOf(workspace, 'databricks_grants')).filter((g) => g.credential !== undefined);
    expect(grants).toEqual([
      {
        credential: `\${databricks_credential.${credentialId}.name}`,
        grant: [{ principal: '${var.databricks_run_as_application_id}', privileges: ['ACCESS'] }],
      },
    ]);
    // AND the Kafka job names the credential and the namespace; the eventhubs job reads its connection string
    const jobNamed = (name: string) => streamJobsOf(workspace).find((job) => job.name === `${name}-pipeline`) ?? {};
    const [kafkaJob, eventhubsJob] = [jobNamed('manufacturing-sensors'), jobNamed('iot-telemetry')];
    const kafkaParameters = parametersOf(kafkaJob);
    expect([kafkaParameters.source_auth, kafkaParameters.service_credential, kafkaParameters.secret_key]).toEqual([
      'service_credential',
      grants[0].credential,
      undefined,
    ]);
    expect(kafkaParameters.eventhubs_namespace).toBe(platform.namespace.name);
    expect([parametersOf(eventhubsJob).source_auth, parametersOf(eventhubsJob).secret_key]).toEqual([undefined, 'evh-iot-telemetry-listen']);
    expect(problemsOf(app)).toEqual([]);
  });

  test('an all-Kafka environment with local authentication off synthesizes no rule, no secret, and no problem', () => {
    const config = withHubs(DEFAULT_ENVIRONMENTS.prod, { localAuthentication: false });
    const { app } = environment(config, [manufacturingSensors]);
    const json = fullSynth(app);
    expect(Object.values(resourcesOf(json['prod-platform'], 'azurerm_eventhub_namespace'))[0].local_authentication_enabled).toBe(false);
    expect(resourcesOf(json['prod-platform'], 'azurerm_eventhub_authorization_rule')).toEqual({});
    expect(connectionStringSecrets(json['prod-platform'])).toEqual([]);
    expect(problemsOf(app)).toEqual([]);
  });

  test('without Unity Catalog the job reads as the configured Entra application (OAUTHBEARER), its secret from the scope', () => {
    // GIVEN dev (Unity Catalog off) with auth 'entra' and an application
    const config = withHubs(DEFAULT_ENVIRONMENTS.dev, {
      auth: 'entra',
      entraClient: { applicationId: APPLICATION_ID, objectId: OBJECT_ID, secretName: 'stream-reader-secret' },
    });
    const { app, pipelines } = environment(config, [manufacturingSensors]);
    const json = fullSynth(app);
    // THEN the application's service principal holds Data Receiver on the event hub
    const [receiver] = Object.values(resourcesOf(json['dev-platform'], 'azurerm_role_assignment')).filter(
      (r) => r.role_definition_name === 'Azure Event Hubs Data Receiver',
    );
    expect([receiver.scope, receiver.principal_id]).toEqual([refOf(pipelines[0].eventHub.resource, 'id'), OBJECT_ID]);
    // AND the job's parameters carry the tenant, the application and the scope key of its secret
    const parameters = parametersOf(streamJobsOf(json['dev-workspace'])[0]);
    expect([parameters.source_auth, parameters.oauth_client_id, parameters.secret_key, parameters.service_credential]).toEqual([
      'oauth',
      APPLICATION_ID,
      'stream-reader-secret',
      undefined,
    ]);
    expect(parameters.oauth_tenant_id).toMatch(CROSS_STACK('dev', 'dataazurerm_client_config', 'tenant_id'));
    expect(resourcesOf(json['dev-workspace'], 'databricks_credential')).toEqual({});
    expect(problemsOf(app)).toEqual([]);
  });

  test('without Unity Catalog an unset Entra application is refused, each field once', () => {
    const { app } = environment(withHubs(DEFAULT_ENVIRONMENTS.dev, { auth: 'entra' }), [manufacturingSensors]);
    expect(problemsOf(app)).toEqual([
      "[dev-platform] config.eventHubs.entraClient.applicationId = '' is invalid; allowed: the application (client) id, a GUID, with auth 'entra' and databricks.unityCatalog off",
      "[dev-platform] config.eventHubs.entraClient.objectId = '' is invalid; allowed: the object id of its service principal, a GUID, with auth 'entra' and databricks.unityCatalog off",
      "[dev-platform] config.eventHubs.entraClient.secretName = '' is invalid; allowed: the Key Vault secret holding its client secret (1–127 letters, digits and hyphens) with auth 'entra' and databricks.unityCatalog off",
    ]);
  });

  test('a service credential on a runtime below 16.1 is refused, naming the stream', () => {
    const prod = DEFAULT_ENVIRONMENTS.prod;
    const config = { ...prod, databricks: { ...prod.databricks, runtimeVersion: '15.4.x-scala2.12' } };
    const { app } = environment(config, [manufacturingSensors]);
    expect(problemsOf(app)).toEqual([
      "[prod-workspace/Stream-manufacturing-sensors] runtimeVersion = '15.4.x-scala2.12' is invalid; allowed: a runtime of 16.1 or later for the Entra ID source of streams.manufacturing-sensors (a Unity Catalog service credential, option databricks.serviceCredential), such as 16.4.x-scala2.12; or auth 'sas'",
    ]);
  });

  test('an unknown auth is refused', () => {
    const config = withHubs(DEFAULT_ENVIRONMENTS.dev, { auth: 'token' as never });
    expect(problemsOf(environment(config, []).app)).toEqual(["[dev-platform] config.eventHubs.auth = 'token' is invalid; allowed: one of 'sas', 'entra'"]);
  });

  test('local authentication off with a SAS stream is refused at synth, naming the rule', () => {
    const config = withHubs(DEFAULT_ENVIRONMENTS.prod, { localAuthentication: false });
    const { app, platform } = environment(config, [iotTelemetry]);
    expect(problemsOf(app)).toEqual([
      `[prod-platform/EventHubs/EventHub-iot-telemetry] authorizationRules.iot-telemetry-bronze-listen = 'iot-telemetry-bronze-listen' is invalid; allowed: no SAS rule on namespace '${platform.namespace.name}', whose local authentication is off: its clients must use Entra ID`,
    ]);
  });

  test("MedallionPipeline: 'entra' with the eventhubs connector is refused once, naming the field", () => {
    const stack = testStack();
    const pipeline = new MedallionPipeline(stack, 'Stream', {
      definition: iotTelemetry,
      namespaceProps: { name: 'evhns-auth-test', resourceGroupName: 'rg', location: 'westeurope' },
      keyVaultProps: { name: 'kv-auth-test', resourceGroupName: 'rg', location: 'westeurope', tenantId: '00000000-0000-4000-8000-000000000000' },
      lakeProps: { name: 'stauthtest', resourceGroupName: 'rg', location: 'westeurope' },
      auth: { type: 'entra', reader: { principalId: OBJECT_ID } },
    });
    expect(problemsOf(stack)).toEqual([
      "[test/Stream] auth.type = 'entra' is invalid; allowed: 'sas' for source 'eventhubs' of the definition (the eventhubs connector takes only a connection string); or source 'kafka'",
    ]);
    // AND the rest is built as 'sas', so no other construct reports the same mistake again
    expect([pipeline.receiverRole, pipeline.listenRule?.nameInput]).toEqual([undefined, 'iot-telemetry-bronze-listen']);
  });
});
