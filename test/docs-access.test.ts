import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';

describe('docs/access.md', () => {
  test("its settings table gives config.databricks.access's embedded defaults", () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'access.md'), 'utf8');
    // The doc writes the empty string as `''`.
    const rows = [...doc.matchAll(/^\| `(\w+)` \| `([^`]*)` \|/gm)].map(([, key, value]) => [key, value === "''" ? '' : value]);
    expect(Object.fromEntries(rows)).toEqual({ ...DEFAULT_ENVIRONMENTS.dev.databricks.access });
  });
});
