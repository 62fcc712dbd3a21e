import type { StreamSpecV1 } from '../constructs/streams/stream-spec';
import type { TableLocation } from './job-definitions';

/** The placeholder in a lake root that stands for the layer's schema, so each layer gets its own container. */
export const SCHEMA_PLACEHOLDER = '{schema}';

/**
 * How SQL reads one of a stream's tables; the TypeScript twin of `notebooks/medallion/tables.py`:
 * `<catalog>.<schema>.<table><suffix>` in Unity Catalog, else the Delta path
 * `<lake root with {schema} replaced>/<table><suffix>` (or `<lake root>/<schema>/<table><suffix>`).
 */
export function tableReference(location: TableLocation, spec: StreamSpecV1, layer: 'bronze' | 'silver' | 'gold', suffix = ''): string {
  const schema = spec.target.schemas[layer];
  const table = `${spec.target.table}${suffix}`;
  if ('catalog' in location) return `${location.catalog}.${schema}.${table}`;
  const root = location.lakeRoot.replace(/\/+$/, '');
  const path = root.includes(SCHEMA_PLACEHOLDER) ? `${root.replace(SCHEMA_PLACEHOLDER, schema)}/${table}` : `${root}/${schema}/${table}`;
  return `delta.\`${path}\``;
}
