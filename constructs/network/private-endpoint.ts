import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { Construct } from 'constructs';

/** The private DNS zone of each private-link sub-resource this package connects to. */
export const PRIVATE_DNS_ZONES = {
  namespace: 'privatelink.servicebus.windows.net',
  vault: 'privatelink.vaultcore.azure.net',
  dfs: 'privatelink.dfs.core.windows.net',
  blob: 'privatelink.blob.core.windows.net',
  databricks_ui_api: 'privatelink.azuredatabricks.net',
  // The workspace's single sign-on callback (one such endpoint per region serves every workspace in it).
  browser_authentication: 'privatelink.azuredatabricks.net',
} as const;
export type PrivateLinkSubresource = keyof typeof PRIVATE_DNS_ZONES;

export interface PrivateEndpointTarget {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The subnet the endpoint's network interface goes into. */
  readonly subnetId: string;
  /** The resource reached through the endpoint. */
  readonly resourceId: string;
  readonly subresource: PrivateLinkSubresource;
  /** The private DNS zone for `subresource` (see `PRIVATE_DNS_ZONES`). */
  readonly privateDnsZoneId: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A private endpoint for one sub-resource, registered in its private DNS zone through a zone group.
 *
 * @example
 * new PrivateEndpointFor(this, 'VaultEndpoint', {
 *   name: naming.privateEndpoint('kv'), resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope',
 *   subnetId: network.endpointSubnet.id, resourceId: vault.id, subresource: 'vault', privateDnsZoneId: network.dnsZoneId('vault'),
 * });
 */
export class PrivateEndpointFor extends Construct {
  public readonly resource: PrivateEndpoint;

  public constructor(scope: Construct, id: string, props: PrivateEndpointTarget) {
    super(scope, id);
    this.resource = new PrivateEndpoint(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      subnetId: props.subnetId,
      privateServiceConnection: {
        name: `${props.name}-connection`,
        privateConnectionResourceId: props.resourceId,
        subresourceNames: [props.subresource],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [props.privateDnsZoneId] },
      tags: props.tags,
    });
  }
}
