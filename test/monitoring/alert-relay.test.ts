import { Testing } from 'cdktf';
import { EMAIL_RULE } from '../../constructs/core/naming';
import { ALERT_FIELDS, AlertRelay } from '../../constructs/monitoring/alert-relay';
import { addEnvironment } from '../../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../../stacks/config/defaults';
import type { EnvironmentConfig } from '../../stacks/config/environment';
import { ALERT_EMAIL_VARIABLE, ALERT_RELAY_SECRET } from '../../stacks/platform-stack';
import { iotTelemetry } from '../../stacks/streams/iot-telemetry';
import { fullSynth } from '../databricks/helpers';
import { problemsOf, refOf, resourcesOf, streamJobsOf, synthJson, type TerraformJson, testStack } from '../helpers/synth';

const IDEMPOTENCY_KEY = "@{triggerOutputs()?['headers']?['Idempotency-Key']}";
const ONCALL = 'oncall@example.com';

function relay(props: Partial<ConstructorParameters<typeof AlertRelay>[2]> = {}) {
  const stack = testStack();
  const created = new AlertRelay(stack, 'Relay', { name: 'logic-stream-tst-alerts', resourceGroupName: 'rg', location: 'westeurope', ...props });
  return { stack, relay: created };
}

function withMonitoring(
  base: EnvironmentConfig,
  monitoring: Partial<EnvironmentConfig['monitoring']>,
  databricks: Partial<EnvironmentConfig['databricks']> = {},
): EnvironmentConfig {
  return { ...base, monitoring: { ...base.monitoring, ...monitoring }, databricks: { ...base.databricks, ...databricks } };
}

function environment(config: EnvironmentConfig) {
  const app = Testing.app();
  const stacks = addEnvironment(app, config, [iotTelemetry]);
  const json = fullSynth(app);
  return { app, ...stacks, platformJson: json[`${config.name}-platform`], workspaceJson: json[`${config.name}-workspace`] };
}

function pipelineParameters(json: TerraformJson): Record<string, string> {
  const [job] = streamJobsOf(json).filter((j) => String(j.name).endsWith('-pipeline'));
  return (job.task as Array<{ notebook_task: { base_parameters: Record<string, string> } }>)[0].notebook_task.base_parameters;
}

describe('AlertRelay', () => {
  test('an HTTP trigger for the alert, one forward per webhook with its Idempotency-Key, one e-mail through Office 365', () => {
    // GIVEN
    const { stack, relay: created } = relay({
      emails: [ONCALL, 'data@example.com'],
      webhooks: [{ name: 'pagerduty', serviceUri: 'https://events.example.com/v2' }],
    });
    // WHEN
    const json = synthJson(stack);
    // THEN the trigger takes the alert as the pipeline posts it
    const [trigger] = Object.values(resourcesOf(json, 'azurerm_logic_app_trigger_http_request'));
    expect(trigger.name).toBe('anomaly-alert');
    expect(trigger.method).toBe('POST');
    expect(trigger.logic_app_id).toBe(refOf(created.workflow, 'id'));
    expect(JSON.parse(trigger.schema as string)).toEqual({
      type: 'object',
      properties: Object.fromEntries(ALERT_FIELDS.map((field) => [field, { type: ['string', 'null'] }])),
      required: ['alert_id', 'rule_id', 'severity', 'device', 'event_time'],
    });
    // AND the webhook gets the body as it came, with the same Idempotency-Key
    expect(Object.values(resourcesOf(json, 'azurerm_logic_app_action_http'))).toEqual([
      {
        name: 'forward-pagerduty',
        logic_app_id: refOf(created.workflow, 'id'),
        method: 'POST',
        uri: 'https://events.example.com/v2',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': IDEMPOTENCY_KEY },
        body: '@{triggerBody()}',
        depends_on: [`azurerm_logic_app_trigger_http_request.${stack.getLogicalId(created.trigger)}`],
      },
    ]);
    // AND both addresses get one e-mail through the workflow's Office 365 connection
    const [email] = Object.values(resourcesOf(json, 'azurerm_logic_app_action_custom'));
    const body = JSON.parse(email.body as string);
    expect(body.inputs.path).toBe('/v2/Mail');
    expect(body.inputs.body.To).toBe(`${ONCALL};data@example.com`);
    expect(body.inputs.host.connection.name).toBe("@parameters('$connections')['office365']['connectionId']");
    const [workflow] = Object.values(resourcesOf(json, 'azurerm_logic_app_workflow'));
    expect(JSON.parse((workflow.workflow_parameters as Record<string, string>).$connections)).toEqual({ type: 'Object', defaultValue: {} });
    const connection = `azurerm_api_connection.${stack.getLogicalId(created.emailConnection as never)}`;
    const [managedApi] = Object.keys((json.data as Record<string, Record<string, unknown>>).azurerm_managed_api);
    expect((workflow.parameters as Record<string, string>).$connections).toBe(
      `\${jsonencode({"office365" = {"connectionId" = ${connection}.id, "connectionName" = ${connection}.name, "id" = data.azurerm_managed_api.${managedApi}.id}})}`,
    );
    expect((json.data as Record<string, Record<string, unknown>>).azurerm_managed_api[managedApi]).toEqual({ name: 'office365', location: 'westeurope' });
    expect(Object.values(resourcesOf(json, 'azurerm_api_connection'))).toEqual([
      expect.objectContaining({ name: 'logic-stream-tst-alerts-office365', display_name: 'Anomaly alert e-mail (authorize once in the portal)' }),
    ]);
    expect(problemsOf(stack)).toEqual([]);
  });

  test('webhooks only: no Office 365 connection and no e-mail step', () => {
    const { stack } = relay({ webhooks: [{ name: 'teams', serviceUri: 'https://hooks.example.com/teams' }] });
    const json = synthJson(stack);
    expect(resourcesOf(json, 'azurerm_api_connection')).toEqual({});
    expect(resourcesOf(json, 'azurerm_logic_app_action_custom')).toEqual({});
    expect(Object.values(resourcesOf(json, 'azurerm_logic_app_workflow'))[0].parameters).toBeUndefined();
  });

  test('no receiver, a bad address, a bad webhook name, a repeated name and a plain-http URL are each reported', () => {
    expect(problemsOf(relay().stack)).toEqual([
      '[test/Relay] receivers = [] is invalid; allowed: at least one e-mail or webhook receiver (a relay to no one is dead)',
    ]);
    const { stack } = relay({
      emails: ['not-an-address'],
      webhooks: [
        { name: 'on call', serviceUri: 'https://a.example.com' },
        { name: 'teams', serviceUri: 'http://b.example.com' },
        { name: 'teams', serviceUri: 'https://c.example.com' },
      ],
    });
    expect(problemsOf(stack)).toEqual([
      `[test/Relay] emails[0] = 'not-an-address' is invalid; allowed: ${EMAIL_RULE.rule}`,
      "[test/Relay] webhooks[0].name = 'on call' is invalid; allowed: 1–60 letters, digits and hyphens (it names a workflow action)",
      "[test/Relay] webhooks[1].serviceUri = 'http://b.example.com' is invalid; allowed: an https:// URL",
      "[test/Relay] webhooks[2].name = 'teams' is invalid; allowed: a name not used by another webhook of the relay",
    ]);
  });
});

describe('alerts that reach a person, per environment', () => {
  test('prod with no receiver asks for an on-call address at apply: the action group and the relay send to it', () => {
    const { platform, platformJson, workspaceJson } = environment(DEFAULT_ENVIRONMENTS.prod);
    expect(platformJson.variable?.[ALERT_EMAIL_VARIABLE]).toEqual({
      type: 'string',
      description: 'On-call e-mail address for alerts (production has no receiver in its configuration)',
    });
    const [group] = Object.values(resourcesOf(platformJson, 'azurerm_monitor_action_group'));
    expect(group.email_receiver).toEqual([{ name: 'email-1', email_address: `\${var.${ALERT_EMAIL_VARIABLE}}`, use_common_alert_schema: true }]);
    const [email] = Object.values(resourcesOf(platformJson, 'azurerm_logic_app_action_custom'));
    expect(JSON.parse(email.body as string).inputs.body.To).toBe(`\${var.${ALERT_EMAIL_VARIABLE}}`);
    // AND the relay's callback URL is a vault secret by reference, which the pipeline job posts its alerts to
    const secret = Object.values(resourcesOf(platformJson, 'azurerm_key_vault_secret')).find((s) => s.name === ALERT_RELAY_SECRET);
    expect(secret?.value).toBe(refOf(platform.alertRelay?.trigger as never, 'callback_url'));
    expect(pipelineParameters(workspaceJson).webhook_secret_key).toBe(ALERT_RELAY_SECRET);
  });

  test('prod with a reason for no receiver: no variable, no relay, no webhook, and the reason said', () => {
    const reason = 'alerts are read from the anomalies table by the operations dashboard';
    const { platform, platformJson, workspaceJson } = environment(withMonitoring(DEFAULT_ENVIRONMENTS.prod, { noReceiverReason: reason }));
    expect(platformJson.variable?.[ALERT_EMAIL_VARIABLE]).toBeUndefined();
    expect(resourcesOf(platformJson, 'azurerm_logic_app_workflow')).toEqual({});
    expect(pipelineParameters(workspaceJson).webhook_secret_key).toBeUndefined();
    expect(platform.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => m.data)).toEqual([`No alert receiver, by configuration: ${reason}`]);
  });

  test('dev without receivers has no relay; with a webhook and a Databricks-backed scope the URL is stored in the scope by reference', () => {
    expect(resourcesOf(environment(DEFAULT_ENVIRONMENTS.dev).platformJson, 'azurerm_logic_app_workflow')).toEqual({});
    const config = withMonitoring(
      DEFAULT_ENVIRONMENTS.dev,
      { alertWebhooks: [{ name: 'teams', serviceUri: 'https://hooks.example.com/teams' }] },
      { secretScope: 'databricks' },
    );
    const { app, workspaceJson } = environment(config);
    const stored = Object.values(resourcesOf(workspaceJson, 'databricks_secret')).find((s) => s.key === ALERT_RELAY_SECRET);
    expect(stored?.string_value).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-dev-platform\.outputs\.cross-stack-output-azurerm_logic_app_trigger_http_request.+callback_url\}$/,
    );
    expect(pipelineParameters(workspaceJson).webhook_secret_key).toBe(ALERT_RELAY_SECRET);
    expect(problemsOf(app)).toEqual([]);
  });
});
