import { ApiConnection } from '@cdktf/provider-azurerm/lib/api-connection';
import { DataAzurermManagedApi } from '@cdktf/provider-azurerm/lib/data-azurerm-managed-api';
import { LogicAppActionCustom } from '@cdktf/provider-azurerm/lib/logic-app-action-custom';
import { LogicAppActionHttp } from '@cdktf/provider-azurerm/lib/logic-app-action-http';
import { LogicAppTriggerHttpRequest } from '@cdktf/provider-azurerm/lib/logic-app-trigger-http-request';
import { LogicAppWorkflow } from '@cdktf/provider-azurerm/lib/logic-app-workflow';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EMAIL_RULE } from '../core/naming';
import { Problems } from '../core/problems';
import { SecretValue } from '../keyvault/secret-value';
import type { WebhookReceiver } from './stream-alerts';

/** The anomaly alert as the pipeline posts it (medallion/alerts.py `Alert.to_json`), for the trigger's schema. */
export const ALERT_FIELDS = ['alert_id', 'rule_id', 'rule_type', 'severity', 'device', 'event_time', 'field', 'observed', 'detail'] as const;

export interface AlertRelayProps {
  /** The workflow's name, for example `logic-<workload>-<env>-alerts`. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Where each alert is e-mailed (through an Office 365 Outlook connection; see `emailConnection`). @default [] */
  readonly emails?: readonly string[];
  /** Where each alert is posted as it came, with its Idempotency-Key. @default [] */
  readonly webhooks?: readonly WebhookReceiver[];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

const HTTPS_URL = /^https:\/\/[^\s/?#]+[^\s]*$/;
const IDEMPOTENCY_KEY = "@{triggerOutputs()?['headers']?['Idempotency-Key']}";

/**
 * The environment's anomaly alert relay: a Logic App whose HTTP trigger receives each alert the pipeline
 * sends (its callback URL, which carries the trigger's signature, goes to Key Vault and from there to the job
 * as its webhook), then posts it to every webhook receiver with the same Idempotency-Key, so a receiver
 * drops a re-send, and e-mails it to every address.
 *
 * E-mail goes through an Office 365 Outlook API connection, which someone with a mailbox authorizes once in
 * the portal after the first deploy (Azure offers no unattended consent for it); until then the e-mail step
 * fails and the webhooks still run.
 *
 * @example
 * const relay = new AlertRelay(this, 'AlertRelay', {
 *   name: 'logic-stream-prd-alerts', resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope',
 *   emails: ['oncall@example.com'], webhooks: [{ name: 'pagerduty', serviceUri: pagerDutyUrl }],
 * });
 * vault.addSecret({ name: 'alert-relay-url', value: relay.callbackUrl });
 */
export class AlertRelay extends Construct {
  /** The workflow (escape hatch). */
  public readonly workflow: LogicAppWorkflow;
  public readonly trigger: LogicAppTriggerHttpRequest;
  /** The Office 365 connection, when there are e-mail receivers. */
  public readonly emailConnection?: ApiConnection;

  public constructor(scope: Construct, id: string, props: AlertRelayProps) {
    super(scope, id);
    const problems = Problems.of(this);
    const emails = props.emails ?? [];
    const webhooks = props.webhooks ?? [];
    emails.forEach((email, i) => {
      if (!Token.isUnresolved(email)) problems.matches(`emails[${i}]`, email, EMAIL_RULE.pattern, EMAIL_RULE.rule);
    });
    const names = new Set<string>();
    webhooks.forEach((hook, i) => {
      problems.matches(`webhooks[${i}].name`, hook.name, /^[A-Za-z0-9-]{1,60}$/, '1–60 letters, digits and hyphens (it names a workflow action)');
      if (names.has(hook.name)) problems.add(`webhooks[${i}].name`, hook.name, 'a name not used by another webhook of the relay');
      names.add(hook.name);
      if (!Token.isUnresolved(hook.serviceUri)) problems.matches(`webhooks[${i}].serviceUri`, hook.serviceUri, HTTPS_URL, 'an https:// URL');
    });
    if (emails.length === 0 && webhooks.length === 0) problems.add('receivers', [], 'at least one e-mail or webhook receiver (a relay to no one is dead)');

    const managedApi = emails.length > 0 ? new DataAzurermManagedApi(this, 'Office365', { name: 'office365', location: props.location }) : undefined;
    if (managedApi) {
      this.emailConnection = new ApiConnection(this, 'EmailConnection', {
        name: `${props.name}-office365`,
        resourceGroupName: props.resourceGroupName,
        managedApiId: managedApi.id,
        displayName: 'Anomaly alert e-mail (authorize once in the portal)',
        tags: props.tags,
      });
    }
    const connections =
      this.emailConnection && managedApi
        ? { office365: { connectionId: this.emailConnection.id, connectionName: this.emailConnection.name, id: managedApi.id } }
        : undefined;
    this.workflow = new LogicAppWorkflow(this, 'Workflow', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      workflowParameters: connections ? { $connections: JSON.stringify({ type: 'Object', defaultValue: {} }) } : undefined,
      parameters: connections ? { $connections: Fn.jsonencode(connections) } : undefined,
      tags: props.tags,
    });
    this.trigger = new LogicAppTriggerHttpRequest(this, 'Trigger', {
      name: 'anomaly-alert',
      logicAppId: this.workflow.id,
      method: 'POST',
      schema: JSON.stringify({
        type: 'object',
        properties: Object.fromEntries(ALERT_FIELDS.map((field) => [field, { type: ['string', 'null'] }])),
        required: ['alert_id', 'rule_id', 'severity', 'device', 'event_time'],
      }),
    });
    // A repeated name is reported above: its first receiver stands for it.
    const unique = webhooks.filter((hook, i) => webhooks.findIndex((other) => other.name === hook.name) === i);
    for (const hook of unique) {
      new LogicAppActionHttp(this, `Forward-${hook.name}`, {
        name: `forward-${hook.name}`,
        logicAppId: this.workflow.id,
        method: 'POST',
        uri: hook.serviceUri,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': IDEMPOTENCY_KEY },
        body: '@{triggerBody()}',
        dependsOn: [this.trigger],
      });
    }
    if (emails.length > 0) {
      new LogicAppActionCustom(this, 'Email', {
        name: 'email',
        logicAppId: this.workflow.id,
        body: JSON.stringify({
          type: 'ApiConnection',
          inputs: {
            host: { connection: { name: "@parameters('$connections')['office365']['connectionId']" } },
            method: 'post',
            path: '/v2/Mail',
            body: {
              To: emails.join(';'),
              Subject: "@{triggerBody()?['severity']} anomaly: @{triggerBody()?['rule_id']} on @{triggerBody()?['device']}",
              Body: '<pre>@{triggerBody()}</pre>',
              Importance: 'High',
            },
          },
          runAfter: {},
        }),
        dependsOn: [this.trigger],
      });
    }
  }

  /** The trigger's callback URL (it carries the signature that lets a caller in): for Key Vault, never for output. */
  public get callbackUrl(): SecretValue {
    return SecretValue.fromAttribute(this.trigger, 'callback_url');
  }
}
