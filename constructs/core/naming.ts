import { createHash } from 'node:crypto';

/**
 * Builds every resource name from workload, environment and region, in the Azure abbreviation style
 * (`rg-`, `evhns-`, `evh-`, `kv-`, `st`, `dbw-`), within each resource type's length and character rules.
 *
 * Names that must be globally unique (namespace, vault, storage account) end with a short suffix
 * derived from the inputs, so the same inputs always give the same names (stable plans) while two
 * workloads, environments or organisations (`uniqueSeed`) do not collide.
 */
export interface NamingInputs {
  /** Workload short name: 2–12 lowercase letters and digits, starting with a letter. */
  readonly workload: string;
  /** Environment short name: 1–4 lowercase letters and digits (for example `dev`, `stg`, `prd`). */
  readonly environment: string;
  /** Azure region, for example `westeurope`. */
  readonly region: string;
  /**
   * Extra input to the uniqueness suffix, for example an organisation or subscription name.
   * @default '' (the suffix depends on workload, environment and region only)
   */
  readonly uniqueSeed?: string;
}

/** An Entra ID object, application or tenant id. */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const WORKLOAD_PATTERN = /^[a-z][a-z0-9]{1,11}$/;
export const ENVIRONMENT_SHORT_PATTERN = /^[a-z0-9]{1,4}$/;

/** Short codes for the regions teams use most; any other region is written without vowels after its first letter. */
const REGION_CODES: Readonly<Record<string, string>> = {
  australiaeast: 'aue',
  brazilsouth: 'brs',
  canadacentral: 'cac',
  centralindia: 'inc',
  centralus: 'cus',
  eastasia: 'ea',
  eastus: 'eus',
  eastus2: 'eus2',
  francecentral: 'frc',
  germanywestcentral: 'gwc',
  japaneast: 'jpe',
  northeurope: 'neu',
  norwayeast: 'nwe',
  southcentralus: 'scus',
  southeastasia: 'sea',
  swedencentral: 'sdc',
  switzerlandnorth: 'szn',
  uksouth: 'uks',
  ukwest: 'ukw',
  westeurope: 'weu',
  westus: 'wus',
  westus2: 'wus2',
  westus3: 'wus3',
};

/** The short code of an Azure region (`westeurope` → `weu`). */
export function regionCode(region: string): string {
  const key = region.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    REGION_CODES[key] ??
    key.charAt(0) +
      key
        .slice(1)
        .replace(/[aeiou]/g, '')
        .slice(0, 5)
  );
}

/** Resource-name rules, from Azure's naming rules for each resource provider. */
/** An e-mail address, the one rule for every recipient list (alerts, jobs, SQL alert subscribers). */
export const EMAIL_RULE = { pattern: /^[^@\s]+@[^@\s]+\.[^@\s.]+$/, rule: 'an e-mail address such as ops@example.com' };

export const NAME_RULES = {
  resourceGroup: { pattern: /^[-\w.()]{1,89}[-\w()]$/, rule: '1–90 letters, digits, hyphens, underscores, periods, parentheses; not ending with a period' },
  eventHubNamespace: {
    pattern: /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/,
    rule: '6–50 letters, digits and hyphens, starting with a letter and ending with a letter or digit',
  },
  eventHub: {
    // The stream spec schema's own pattern (test/naming.test.ts holds the two together).
    pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/,
    rule: '1–256 letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit',
  },
  consumerGroup: {
    pattern: /^(\$Default|[A-Za-z0-9]([A-Za-z0-9._-]{0,48}[A-Za-z0-9])?)$/,
    rule: "'$Default' or 1–50 letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit",
  },
  keyVault: {
    pattern: /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    rule: '3–24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no consecutive hyphens',
  },
  keyVaultSecret: { pattern: /^[a-zA-Z0-9-]{1,127}$/, rule: '1–127 letters, digits and hyphens' },
  storageAccount: { pattern: /^[a-z0-9]{3,24}$/, rule: '3–24 lowercase letters and digits' },
  storageContainer: {
    pattern: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    rule: '3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
  },
  databricksWorkspace: {
    pattern: /^[a-zA-Z0-9][\w-]{1,62}[a-zA-Z0-9]$/,
    rule: '3–64 letters, digits, hyphens and underscores, starting and ending with a letter or digit',
  },
} as const;

export class Naming {
  public readonly workload: string;
  public readonly environment: string;
  public readonly region: string;
  /** Deterministic 4-character suffix for globally unique names. */
  public readonly suffix: string;
  private readonly regionShort: string;

  public constructor(inputs: NamingInputs) {
    this.workload = inputs.workload;
    this.environment = inputs.environment;
    this.region = inputs.region;
    this.regionShort = regionCode(inputs.region);
    this.suffix = createHash('sha256')
      .update([inputs.workload, inputs.environment, inputs.region, inputs.uniqueSeed ?? ''].join('|'))
      .digest('hex')
      .slice(0, 4);
  }

  /** Problems with the inputs themselves, as `field: message` pairs. */
  public validate(): Array<{ field: string; value: string; allowed: string }> {
    const problems: Array<{ field: string; value: string; allowed: string }> = [];
    if (!WORKLOAD_PATTERN.test(this.workload)) {
      problems.push({ field: 'workload', value: this.workload, allowed: '2–12 lowercase letters and digits, starting with a letter' });
    }
    if (!ENVIRONMENT_SHORT_PATTERN.test(this.environment)) {
      problems.push({ field: 'environment', value: this.environment, allowed: '1–4 lowercase letters and digits' });
    }
    return problems;
  }

  public resourceGroup(purpose?: string): string {
    return this.hyphenated('rg', purpose);
  }

  public eventHubNamespace(): string {
    return `evhns-${this.workload}-${this.environment}-${this.regionShort}-${this.suffix}`;
  }

  public eventHub(stream: string): string {
    return `evh-${stream}`;
  }

  /** Key Vault: 24 characters at most, so the workload is cut to fit before the suffix. */
  public keyVault(): string {
    const fixed = `kv--${this.environment}-${this.suffix}`.length;
    return `kv-${this.workload.slice(0, 24 - fixed)}-${this.environment}-${this.suffix}`;
  }

  /** Storage account: 3–24 lowercase letters and digits, no separators. */
  public storageAccount(purpose = ''): string {
    const fixed = `st${purpose}${this.environment}${this.suffix}`.length;
    return `st${this.workload.slice(0, Math.max(0, 24 - fixed))}${purpose}${this.environment}${this.suffix}`;
  }

  public databricksWorkspace(): string {
    return this.hyphenated('dbw');
  }

  /** The resource group Databricks manages for the workspace (unique per subscription). */
  public databricksManagedResourceGroup(): string {
    return this.hyphenated('rg', 'dbw-managed');
  }

  public databricksAccessConnector(): string {
    return this.hyphenated('dbac');
  }

  public logAnalyticsWorkspace(): string {
    return this.hyphenated('log');
  }

  public virtualNetwork(): string {
    return this.hyphenated('vnet');
  }

  public subnet(purpose: string): string {
    return `snet-${purpose}`;
  }

  public networkSecurityGroup(purpose: string): string {
    return this.hyphenated('nsg', purpose);
  }

  public privateEndpoint(target: string): string {
    return this.hyphenated('pe', target);
  }

  /** `<prefix>-<workload>-<env>-<region>[-<purpose>]`. */
  private hyphenated(prefix: string, purpose?: string): string {
    const parts = [prefix, this.workload, this.environment, this.regionShort];
    if (purpose) parts.push(purpose);
    return parts.join('-');
  }
}
