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
  /**
   * Whether the Databricks workspace gets private endpoints, and so the `privatelink.azuredatabricks.net` zone.
   * @default false
   */
  readonly databricksPrivateLink?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The first three quarters of the address space (endpoints, then Databricks host and container); a problem if it is not a /16 to /22. */
function quarterSubnets(problems: Problems, addressSpace: string): [string, string, string] {
  const match = CIDR_V4.exec(addressSpace);
  const prefix = match ? Number(match[5]) : Number.NaN;
  if (!match || prefix < 16 || prefix > 22 || match.slice(1, 5).some((octet) => Number(octet) > 255)) {
    problems.add('addressSpace', addressSpace, 'an IPv4 CIDR range from /16 to /22, such as 10.20.0.0/16');
  }
  const [a, b, c] = match ? match.slice(1, 4).map(Number) : [10, 0, 0];
  const quarter = prefix + 2;
  const step = 2 ** (32 - quarter);
  const cidr = (index: number): string => {
    const base = ((a << 24) | (b << 16) | (c << 8)) >>> 0;
    const start = (base + index * step) >>> 0;
    return `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}/${quarter}`;
  };
  return [cidr(0), cidr(1), cidr(2)];
}

type DatabricksSubnetKey = 'host' | 'container';

/**
 * The network a private environment runs in: a VNet with a subnet for private endpoints (with its NSG) and
 * the two subnets Databricks VNet injection needs (delegated, each with an NSG), and the private DNS zones
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
  public readonly endpointNsgAssociation: SubnetNetworkSecurityGroupAssociation;
  public readonly databricksHostSubnet: Subnet;
  public readonly databricksContainerSubnet: Subnet;
  /** The NSG associations Databricks VNet injection refers to. */
  public readonly databricksHostNsgAssociation: SubnetNetworkSecurityGroupAssociation;
  public readonly databricksContainerNsgAssociation: SubnetNetworkSecurityGroupAssociation;
  private readonly zones = new Map<PrivateLinkSubresource, PrivateDnsZone>();

  public constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const [endpointCidr, hostCidr, containerCidr] = quarterSubnets(Problems.of(this), props.addressSpace);
    this.vnet = new VirtualNetwork(this, 'Vnet', {
      name: props.naming.virtualNetwork(),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      addressSpace: [props.addressSpace],
      tags: props.tags,
    });
    this.endpointSubnet = new Subnet(this, 'EndpointSubnet', {
      name: props.naming.subnet('private-endpoints'),
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [endpointCidr],
      privateEndpointNetworkPolicies: 'Enabled',
      defaultOutboundAccessEnabled: false,
    });
    // An NSG of its own (the default rules: traffic from the VNet only), applied to the endpoints because
    // private endpoint network policies are on.
    const endpointNsg = new NetworkSecurityGroup(this, 'EndpointNsg', {
      name: props.naming.networkSecurityGroup('private-endpoints'),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });
    this.endpointNsgAssociation = new SubnetNetworkSecurityGroupAssociation(this, 'EndpointNsgAssociation', {
      subnetId: this.endpointSubnet.id,
      networkSecurityGroupId: endpointNsg.id,
    });
    const host = this.databricksSubnet(props, 'host', hostCidr);
    const container = this.databricksSubnet(props, 'container', containerCidr);
    this.databricksHostSubnet = host.subnet;
    this.databricksHostNsgAssociation = host.association;
    this.databricksContainerSubnet = container.subnet;
    this.databricksContainerNsgAssociation = container.association;
    // One zone per DNS name (the Databricks sub-resources share theirs), and only for endpoints that exist.
    const byName = new Map<string, PrivateDnsZone>();
    const databricks: readonly PrivateLinkSubresource[] = ['databricks_ui_api', 'browser_authentication'];
    for (const subresource of Object.keys(PRIVATE_DNS_ZONES) as PrivateLinkSubresource[]) {
      if (databricks.includes(subresource) && !props.databricksPrivateLink) continue;
      const name = PRIVATE_DNS_ZONES[subresource];
      const zone = byName.get(name) ?? this.linkedDnsZone(props, subresource);
      byName.set(name, zone);
      this.zones.set(subresource, zone);
    }
  }

  /** A subnet delegated to Databricks VNet injection, with its NSG (Databricks adds its own rules to it; the NSG must exist and be associated). */
  private databricksSubnet(props: PrivateNetworkProps, key: DatabricksSubnetKey, cidr: string) {
    const label = key === 'host' ? 'Host' : 'Container';
    const subnet = new Subnet(this, `Databricks${label}Subnet`, {
      name: props.naming.subnet(`dbw-${key}`),
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [cidr],
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
    const nsg = new NetworkSecurityGroup(this, `Databricks${label}Nsg`, {
      name: props.naming.networkSecurityGroup(`dbw-${key}`),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });
    const association = new SubnetNetworkSecurityGroupAssociation(this, `Databricks${label}NsgAssociation`, {
      subnetId: subnet.id,
      networkSecurityGroupId: nsg.id,
    });
    return { subnet, association };
  }

  /** The private DNS zone of a sub-resource's endpoints, linked to the VNet. */
  private linkedDnsZone(props: PrivateNetworkProps, subresource: PrivateLinkSubresource): PrivateDnsZone {
    const zone = new PrivateDnsZone(this, `Zone-${subresource}`, {
      name: PRIVATE_DNS_ZONES[subresource],
      resourceGroupName: props.resourceGroupName,
      tags: props.tags,
    });
    new PrivateDnsZoneVirtualNetworkLink(this, `ZoneLink-${subresource}`, {
      name: `${props.naming.virtualNetwork()}-link`,
      resourceGroupName: props.resourceGroupName,
      privateDnsZoneName: zone.name,
      virtualNetworkId: this.vnet.id,
      registrationEnabled: false,
      tags: props.tags,
    });
    return zone;
  }

  /** The private DNS zone id for a sub-resource's endpoints. */
  public dnsZoneId(subresource: PrivateLinkSubresource): string {
    const zone = this.zones.get(subresource);
    if (!zone) throw new Error(`${this.node.path}: no private DNS zone for '${subresource}'`);
    return zone.id;
  }
}
