import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import type { Naming } from '../core/naming';
import { Problems } from '../core/problems';
import { PRIVATE_DNS_ZONES, type PrivateLinkSubresource } from './private-endpoint';

export interface PrivateNetworkProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The VNet's address space, a /16 to /22 (split into a /24-sized endpoint subnet and two Databricks subnets). */
  readonly addressSpace: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * The network a private environment runs in: a VNet with a subnet for private endpoints and the two
 * subnets Databricks VNet injection needs (delegated, each with an NSG), and the private DNS zones
 * for the endpoints, linked to the VNet.
 *
 * @example
 * const network = new PrivateNetwork(this, 'Network', {
 *   naming, resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope', addressSpace: '10.30.0.0/16',
 * });
 */
export class PrivateNetwork extends Construct {
  public readonly vnet: VirtualNetwork;
  public readonly endpointSubnet: Subnet;
  public readonly databricksHostSubnet: Subnet;
  public readonly databricksContainerSubnet: Subnet;
  /** The NSG associations Databricks VNet injection refers to. */
  public readonly databricksHostNsgAssociation: SubnetNetworkSecurityGroupAssociation;
  public readonly databricksContainerNsgAssociation: SubnetNetworkSecurityGroupAssociation;
  private readonly zones = new Map<PrivateLinkSubresource, PrivateDnsZone>();

  public constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const problems = Problems.of(this);
    const match = CIDR_V4.exec(props.addressSpace);
    const prefix = match ? Number(match[5]) : Number.NaN;
    if (!match || prefix < 16 || prefix > 22 || match.slice(1, 5).some((octet) => Number(octet) > 255)) {
      problems.add('addressSpace', props.addressSpace, 'an IPv4 CIDR range from /16 to /22, such as 10.20.0.0/16');
    }
    const [a, b, c] = match ? match.slice(1, 4).map(Number) : [10, 0, 0];
    // Quarter the space: endpoints in the first quarter, Databricks host and container in the next two.
    const quarter = prefix + 2;
    const step = 2 ** (32 - quarter);
    const subnetCidr = (index: number): string => {
      const base = ((a << 24) | (b << 16) | (c << 8)) >>> 0;
      const start = (base + index * step) >>> 0;
      return `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}/${quarter}`;
    };
    const { naming } = props;

    this.vnet = new VirtualNetwork(this, 'Vnet', {
      name: naming.virtualNetwork(),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      addressSpace: [props.addressSpace],
      tags: props.tags,
    });
    this.endpointSubnet = new Subnet(this, 'EndpointSubnet', {
      name: naming.subnet('private-endpoints'),
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [subnetCidr(0)],
      privateEndpointNetworkPolicies: 'Enabled',
      defaultOutboundAccessEnabled: false,
    });
    const databricksSubnet = (key: 'host' | 'container', index: number) => {
      const subnet = new Subnet(this, `Databricks${key === 'host' ? 'Host' : 'Container'}Subnet`, {
        name: naming.subnet(`dbw-${key}`),
        resourceGroupName: props.resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [subnetCidr(index)],
        delegation: [
          {
            name: 'databricks',
            serviceDelegation: {
              name: 'Microsoft.Databricks/workspaces',
              actions: [
                'Microsoft.Network/virtualNetworks/subnets/join/action',
                'Microsoft.Network/virtualNetworks/subnets/prepareNetworkPolicies/action',
                'Microsoft.Network/virtualNetworks/subnets/unprepareNetworkPolicies/action',
              ],
            },
          },
        ],
      });
      // Databricks adds its own rules to these NSGs; the NSG itself must exist and be associated.
      const nsg = new NetworkSecurityGroup(this, `Databricks${key === 'host' ? 'Host' : 'Container'}Nsg`, {
        name: naming.networkSecurityGroup(`dbw-${key}`),
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: props.tags,
      });
      const association = new SubnetNetworkSecurityGroupAssociation(this, `Databricks${key === 'host' ? 'Host' : 'Container'}NsgAssociation`, {
        subnetId: subnet.id,
        networkSecurityGroupId: nsg.id,
      });
      return { subnet, association };
    };
    const host = databricksSubnet('host', 1);
    const container = databricksSubnet('container', 2);
    this.databricksHostSubnet = host.subnet;
    this.databricksHostNsgAssociation = host.association;
    this.databricksContainerSubnet = container.subnet;
    this.databricksContainerNsgAssociation = container.association;

    for (const subresource of Object.keys(PRIVATE_DNS_ZONES) as PrivateLinkSubresource[]) {
      const zone = new PrivateDnsZone(this, `Zone-${subresource}`, {
        name: PRIVATE_DNS_ZONES[subresource],
        resourceGroupName: props.resourceGroupName,
        tags: props.tags,
      });
      new PrivateDnsZoneVirtualNetworkLink(this, `ZoneLink-${subresource}`, {
        name: `${naming.virtualNetwork()}-link`,
        resourceGroupName: props.resourceGroupName,
        privateDnsZoneName: zone.name,
        virtualNetworkId: this.vnet.id,
        registrationEnabled: false,
        tags: props.tags,
      });
      this.zones.set(subresource, zone);
    }
  }

  /** The private DNS zone id for a sub-resource's endpoints. */
  public dnsZoneId(subresource: PrivateLinkSubresource): string {
    const zone = this.zones.get(subresource);
    if (!zone) throw new Error(`${this.node.path}: no private DNS zone for '${subresource}'`);
    return zone.id;
  }
}
