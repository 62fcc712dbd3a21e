import * as fs from 'node:fs';
import * as path from 'node:path';
import { NOTEBOOK_PYPI_PACKAGES } from '../../constructs/databricks/streaming-compute';
import { toStreamSpec } from '../../constructs/streams/stream-spec';
import { tableReference } from '../../jobs/table-names';
import { iotTelemetry } from '../../stacks/streams/iot-telemetry';

// The same cases as test/python/test_tables.py: both sides must name a table the same way.
describe('tableReference', () => {
  const spec = toStreamSpec(iotTelemetry);

  test('Unity Catalog: catalog.schema.table', () => {
    expect(tableReference({ catalog: 'main' }, spec, 'gold', '_alerts')).toBe('main.gold.iot_telemetry_alerts');
  });

  test('a lake root with {schema} puts each layer in its own container', () => {
    const root = 'abfss://{schema}@acct.dfs.core.windows.net/';
    expect(tableReference({ lakeRoot: root }, spec, 'bronze')).toBe('delta.`abfss://bronze@acct.dfs.core.windows.net/iot_telemetry`');
    expect(tableReference({ lakeRoot: root }, spec, 'gold', '_alerts')).toBe('delta.`abfss://gold@acct.dfs.core.windows.net/iot_telemetry_alerts`');
  });

  test('a plain lake root gets one folder per schema', () => {
    expect(tableReference({ lakeRoot: 'abfss://lake@acct.dfs.core.windows.net/streams/' }, spec, 'silver', '_quarantine')).toBe(
      'delta.`abfss://lake@acct.dfs.core.windows.net/streams/silver/iot_telemetry_quarantine`',
    );
  });
});

describe('notebook libraries', () => {
  test('the PyPI packages installed on every task are pinned as in requirements.txt', () => {
    const requirements = fs.readFileSync(path.join(__dirname, '..', '..', 'requirements.txt'), 'utf8').split('\n');
    for (const pkg of NOTEBOOK_PYPI_PACKAGES) expect(requirements).toContain(pkg);
  });
});
