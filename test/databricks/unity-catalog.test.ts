import { UnityCatalog } from '../../constructs/databricks/unity-catalog';
import { LakeStorage } from '../../constructs/storage/lake-storage';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson } from '../helpers/synth';
import { databricksTestStack } from './helpers';

function catalog(catalogName = 'stream_dev') {
  const stack = databricksTestStack();
  const lake = new LakeStorage(stack, 'Lake', { name: 'ststreamdev0001', resourceGroupName: 'rg', location: 'westeurope' });
  const construct = new UnityCatalog(stack, 'UnityCatalog', { catalogName, lake, accessConnectorId: 'access-connector-id' });
  return { stack, construct };
}

describe('UnityCatalog', () => {
  test('a storage credential on the access connector managed identity', () => {
    // GIVEN / WHEN
    const { stack } = catalog();
    // THEN
    expect(onlyResource(synthJson(stack), 'databricks_storage_credential')).toEqual({
      name: 'stream_dev_lake',
      azure_managed_identity: { access_connector_id: 'access-connector-id' },
      comment: 'Access connector managed identity on the lake',
    });
  });

  test('an external location per schema container plus checkpoints and quarantine, on abfss URLs', () => {
    // GIVEN / WHEN
    const { stack, construct } = catalog();
    // THEN
    const locations = Object.values(resourcesOf(synthJson(stack), 'databricks_external_location'));
    expect(locations.map((body) => [body.name, body.url, body.credential_name]).sort()).toEqual(
      ['bronze', 'checkpoints', 'gold', 'quarantine', 'silver'].map((container) => [
        `stream_dev_${container}`,
        `abfss://${container}@ststreamdev0001.dfs.core.windows.net/`,
        refOf(construct.credential, 'name'),
      ]),
    );
  });

  test('the catalog is rooted in the gold location, each schema in its own container', () => {
    // GIVEN / WHEN
    const { stack, construct } = catalog();
    // THEN
    const json = synthJson(stack);
    const gold = construct.locations.get('gold');
    expect(onlyResource(json, 'databricks_catalog')).toEqual({
      name: 'stream_dev',
      storage_root: refOf(gold as never, 'url'),
      comment: 'Streaming platform tables',
      depends_on: [`databricks_external_location.${stack.getLogicalId(gold as never)}`],
    });
    expect(
      Object.values(resourcesOf(json, 'databricks_schema'))
        .map((body) => [body.name, body.catalog_name, body.storage_root])
        .sort(),
    ).toEqual(
      (['bronze', 'gold', 'silver'] as const).map((schema) => [
        schema,
        refOf(construct.catalog, 'name'),
        refOf(construct.locations.get(schema) as never, 'url'),
      ]),
    );
  });

  test('an invalid catalog name is refused', () => {
    // GIVEN / WHEN
    const { stack } = catalog('Stream-Dev');
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/UnityCatalog] catalogName = 'Stream-Dev' is invalid; allowed: 1–255 lowercase letters, digits and underscores, starting with a letter",
    ]);
  });
});
