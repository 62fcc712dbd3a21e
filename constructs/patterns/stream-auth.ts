import type { Grantee } from '../core/grants';

/**
 * How a stream's pipeline authenticates to Event Hubs:
 * - `sas`: a listen-only shared access rule of its event hub, whose connection string goes to Key Vault;
 * - `entra`: Microsoft Entra ID. The identity the job reads as holds "Azure Event Hubs Data Receiver" on the
 *   event hub alone; no rule and no secret exist. Only the Kafka endpoint takes it: the eventhubs connector
 *   authenticates with a connection string only.
 */
export type EventHubsAuth = 'sas' | 'entra';
export const EVENTHUBS_AUTHS: readonly EventHubsAuth[] = ['sas', 'entra'];

/** How `MedallionPipeline` authenticates its job: `entra` names the identity the job reads as. */
export type PipelineAuth = { readonly type: 'sas' } | { readonly type: 'entra'; readonly reader: Grantee };

/** What a stream's job needs to authenticate, as the pipeline hands it to the workspace. */
export type StreamCredential =
  /** The listen connection string: the Key Vault secret, and secret scope key, that holds it. */
  | { readonly type: 'sas'; readonly secretName: string }
  /** Entra ID against the namespace's Kafka endpoint; the workspace decides which identity (see `EntraSource`). */
  | { readonly type: 'entra'; readonly namespace: string };
