import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import type { EnvironmentConfig } from '../stacks/config/environment';

/** The README's per-environment settings table, as rows of cells (the header row first). */
function readmeSettingsRows(): string[][] {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- settings table');
  const table = readme.slice(start).split('\n').slice(1);
  const lines = table.slice(
    0,
    table.findIndex((line) => !line.startsWith('|')),
  );
  return lines
    .filter((line) => !line.startsWith('| ---'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** Each row's cell for one environment, rendered from its configuration. */
const RENDERED: Record<string, (c: EnvironmentConfig) => string> = {
  'production (`prevent_destroy` on stateful resources, production-only policy rules)': (c) => (c.production ? 'yes' : 'no'),
  'network mode': (c) => (c.network.mode === 'private' ? 'private (VNet, private endpoints)' : 'public'),
  'Event Hubs namespace': (c) => {
    const e = c.eventHubs;
    const units = `${e.capacity} ${e.tier === 'Premium' ? 'PU' : 'TU'}`;
    const inflate = e.autoInflateMaxThroughputUnits > 0 ? ` (auto-inflate ${e.autoInflateMaxThroughputUnits})` : '';
    return `${e.tier}, ${units}${inflate}${e.capture.enabled ? ', capture' : ''}`;
  },
  "a stream's partitions and retention, where it sets none": (c) => `${c.eventHubs.defaultPartitions} partitions, ${c.eventHubs.defaultRetentionDays} day(s)`,
  storage: (c) => `${c.storage.replication}, ${c.storage.softDeleteDays} days soft delete`,
  'Key Vault soft delete': (c) => `${c.keyVault.softDeleteDays} days`,
};

describe("the README's settings table", () => {
  const [header, ...rows] = readmeSettingsRows();
  const environments = header.slice(1);

  test('has a column per default environment, in order', () => {
    expect(environments).toEqual(Object.keys(DEFAULT_ENVIRONMENTS));
  });

  test.each(Object.keys(RENDERED))('row %s says what the default configs set', (setting) => {
    const row = rows.find((cells) => cells[0] === setting);
    expect(row?.slice(1)).toEqual(environments.map((name) => RENDERED[setting](DEFAULT_ENVIRONMENTS[name])));
  });
});
