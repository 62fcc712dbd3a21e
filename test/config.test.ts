import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import { loadEnvironments } from '../stacks/config/load';

describe('loadEnvironments', () => {
  test('with no overrides: dev, staging and prod from the embedded defaults', () => {
    const { environments, problems } = loadEnvironments();
    expect(problems).toEqual([]);
    expect(environments).toEqual([DEFAULT_ENVIRONMENTS.dev, DEFAULT_ENVIRONMENTS.staging, DEFAULT_ENVIRONMENTS.prod]);
  });

  test('context overrides merge deeply; the file overrides the context', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-config-')), 'platform.json');
    fs.writeFileSync(file, JSON.stringify({ prod: { eventHubs: { capacity: 4 } } }));
    const { environments, problems } = loadEnvironments({
      context: { prod: { region: 'northeurope', eventHubs: { capacity: 2, defaultPartitions: 32 } } },
      file,
      only: ['prod'],
    });
    expect(problems).toEqual([]);
    expect(environments).toHaveLength(1);
    expect(environments[0].region).toBe('northeurope');
    expect(environments[0].eventHubs).toEqual({ ...DEFAULT_ENVIRONMENTS.prod.eventHubs, capacity: 4, defaultPartitions: 32 });
  });

  test('a new environment starts from dev under its own name', () => {
    const { environments, problems } = loadEnvironments({ context: { qa: { shortName: 'qa' } }, only: ['qa'] });
    expect(problems).toEqual([]);
    expect(environments[0]).toEqual({ ...DEFAULT_ENVIRONMENTS.dev, name: 'qa', shortName: 'qa' });
  });

  test('unknown keys, wrong types and unknown environments are all reported', () => {
    const { problems } = loadEnvironments({
      context: { prod: { eventHub: {}, eventHubs: { capacity: 'two' }, network: { allowedIpRanges: '10.0.0.0/8' } } },
      only: ['prod', 'test'],
    });
    expect(problems).toEqual([
      '[config] environments.prod.eventHub is not a known setting; allowed: name, shortName, production, workload, region, uniqueSeed, subscriptionId, tags, network, eventHubs, storage, keyVault, databricks, monitoring, backend',
      "[config] environments.prod.eventHubs.capacity = 'two' is invalid; allowed: a number",
      "[config] environments.prod.network.allowedIpRanges = '10.0.0.0/8' is invalid; allowed: a list",
      "[config] environment 'test' is not defined; defined: dev, staging, prod",
    ]);
  });

  test('an unreadable override file is reported, not thrown', () => {
    const { problems } = loadEnvironments({ file: '/nonexistent/platform.json' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\[config\] PLATFORM_CONFIG file '\/nonexistent\/platform.json' could not be read as JSON: ENOENT/);
  });
});
