import { Catalog } from '@cdktf/provider-databricks/lib/catalog';
import { Credential } from '@cdktf/provider-databricks/lib/credential';
import { ExternalLocation } from '@cdktf/provider-databricks/lib/external-location';
import { Grants, type GrantsGrant } from '@cdktf/provider-databricks/lib/grants';
import { Schema } from '@cdktf/provider-databricks/lib/schema';
import { StorageCredential } from '@cdktf/provider-databricks/lib/storage-credential';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import type { LakeStorage } from '../storage/lake-storage';

/** The medallion schemas; each gets its own lake container as storage root. */
export const MEDALLION_SCHEMAS = ['bronze', 'silver', 'gold'] as const;
export type MedallionSchema = (typeof MEDALLION_SCHEMAS)[number];

/** Unity Catalog object names as we write them: lowercase letters, digits and underscores. */
export const UC_NAME = { pattern: /^[a-z][a-z0-9_]{0,254}$/, rule: '1–255 lowercase letters, digits and underscores, starting with a letter' } as const;

export interface UnityCatalogProps {
  /** The environment's catalog, for example `stream_dev`. */
  readonly catalogName: string;
  /** The lake whose containers become external locations. */
  readonly lake: LakeStorage;
  /** Resource id of the Databricks access connector (which holds "Storage Blob Data Contributor" on the lake). */
  readonly accessConnectorId: string;
  /**
   * Containers that get an external location besides the schemas' (streaming checkpoints live in `checkpoints`).
   * @default ['checkpoints', 'quarantine']
   */
  readonly extraLocations?: readonly string[];
  /** @default 'Streaming platform tables' */
  readonly comment?: string;
}

/** Who writes the medallion tables and who reads gold. */
export interface CatalogAccess {
  /**
   * The principal the pipeline jobs run as (a service principal's application id): writes bronze, silver
   * (with quarantine) and gold, and reads and writes the checkpoints location.
   * @default undefined (the jobs run as the catalog's owner, who needs no grant)
   */
  readonly writer?: string;
  /** Groups that read gold (windows, alerts, features) and nothing else. */
  readonly readers: readonly string[];
}

/** What the pipeline's writer may do in a schema, and what a reader may do in gold. */
const WRITE_TABLES = ['USE_SCHEMA', 'SELECT', 'MODIFY', 'CREATE_TABLE'];
const READ_TABLES = ['USE_SCHEMA', 'SELECT'];

/**
 * The environment's Unity Catalog objects: a storage credential on the access connector, an external
 * location per lake container used, a catalog rooted in the `gold` container, and the bronze, silver and
 * gold schemas each rooted in its own container.
 *
 * The workspace must already be attached to a metastore (an account-level step).
 *
 * @example
 * new UnityCatalog(this, 'UnityCatalog', {
 *   catalogName: 'stream_prod', lake, accessConnectorId: databricks.accessConnectorId,
 * });
 */
export class UnityCatalog extends Construct {
  /** The catalog (escape hatch). */
  public readonly catalog: Catalog;
  public readonly credential: StorageCredential;
  public readonly locations = new Map<string, ExternalLocation>();
  public readonly schemas = new Map<MedallionSchema, Schema>();

  public constructor(
    scope: Construct,
    id: string,
    private readonly props: UnityCatalogProps,
  ) {
    super(scope, id);
    const problems = Problems.of(this);
    problems.matches('catalogName', props.catalogName, UC_NAME.pattern, UC_NAME.rule);
    const comment = props.comment ?? 'Streaming platform tables';

    this.credential = new StorageCredential(this, 'Credential', {
      name: `${props.catalogName}_lake`,
      azureManagedIdentity: { accessConnectorId: props.accessConnectorId },
      comment: 'Access connector managed identity on the lake',
    });
    for (const container of [...MEDALLION_SCHEMAS, ...(props.extraLocations ?? ['checkpoints', 'quarantine'])]) {
      if (this.locations.has(container)) continue;
      this.locations.set(
        container,
        new ExternalLocation(this, `Location-${container}`, {
          name: `${props.catalogName}_${container.replace(/-/g, '_')}`,
          url: props.lake.abfssUrl(container),
          credentialName: this.credential.name,
          comment: `Lake container '${container}'`,
        }),
      );
    }
    const location = (name: string): ExternalLocation => {
      const found = this.locations.get(name);
      if (!found) throw new Error(`${this.node.path}: no external location '${name}'`);
      return found;
    };

    // Managed tables created outside a schema root land with the consumable (gold) data.
    this.catalog = new Catalog(this, 'Catalog', {
      name: props.catalogName,
      storageRoot: location('gold').url,
      comment,
      dependsOn: [location('gold')],
    });
    for (const schema of MEDALLION_SCHEMAS) {
      this.schemas.set(
        schema,
        new Schema(this, `Schema-${schema}`, {
          catalogName: this.catalog.name,
          name: schema,
          storageRoot: location(schema).url,
          comment: `${schema} layer`,
          dependsOn: [location(schema)],
        }),
      );
    }
  }

  public get catalogName(): string {
    return this.catalog.name;
  }

  /**
   * A service credential (`databricks_credential`, purpose SERVICE) on the access connector, named
   * `<catalog>_<name>`, and ACCESS on it for `users` (the principals whose jobs authenticate with it). The
   * connector's identity needs the service's own role (for Event Hubs, Data Receiver on each event hub).
   */
  public addServiceCredential(name: string, users: readonly string[], comment: string): Credential {
    const credential = new Credential(this, `ServiceCredential-${name}`, {
      name: `${this.props.catalogName}_${name}`,
      purpose: 'SERVICE',
      azureManagedIdentity: { accessConnectorId: this.props.accessConnectorId },
      comment,
    });
    if (users.length > 0) {
      new Grants(this, `Grants-credential-${name}`, { credential: credential.name, grant: users.map((principal) => ({ principal, privileges: ['ACCESS'] })) });
    }
    return credential;
  }

  /**
   * The catalog's grants (`databricks_grants`, authoritative for each object it names): the writer uses the
   * catalog, writes every medallion schema and the checkpoints location; readers use the catalog and read gold.
   */
  public grantAccess(access: CatalogAccess): void {
    const writer = access.writer === undefined ? [] : [access.writer];
    const grants = (writers: string[], readers: readonly string[], writes: string[], reads: string[]): GrantsGrant[] => [
      ...writers.map((principal) => ({ principal, privileges: writes })),
      ...readers.map((principal) => ({ principal, privileges: reads })),
    ];
    new Grants(this, 'Grants-catalog', { catalog: this.catalog.name, grant: grants(writer, access.readers, ['USE_CATALOG'], ['USE_CATALOG']) });
    for (const [name, schema] of this.schemas) {
      const grant = grants(writer, name === 'gold' ? access.readers : [], WRITE_TABLES, READ_TABLES);
      if (grant.length > 0) new Grants(this, `Grants-${name}`, { schema: schema.id, grant });
    }
    const checkpoints = this.locations.get('checkpoints');
    if (checkpoints && writer.length > 0) {
      new Grants(this, 'Grants-checkpoints', { externalLocation: checkpoints.id, grant: grants(writer, [], ['READ_FILES', 'WRITE_FILES'], []) });
    }
  }
}
