import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateStreamSpec } from '../../constructs/streams';

// The contract shared with notebooks/medallion/spec.py: the example specs of schema/examples, read at test time
// so that a new example is picked up without touching this file.
const EXAMPLES = join(__dirname, '..', '..', 'schema', 'examples');
const VALID = join(EXAMPLES, 'valid');
const INVALID = join(EXAMPLES, 'invalid');

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf-8'));
const specsIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.expected.json'))
    .sort();

describe('stream spec contract: schema/examples', () => {
  test('both example directories hold specs', () => {
    expect(specsIn(VALID).length).toBeGreaterThan(0);
    expect(specsIn(INVALID).length).toBeGreaterThan(0);
  });

  test.each(specsIn(VALID))('valid/%s validates with zero problems', (name) => {
    expect(validateStreamSpec(readJson(join(VALID, name)))).toEqual([]);
  });

  test.each(specsIn(INVALID))('invalid/%s is rejected with exactly the expected messages', (name) => {
    const expectedFile = join(INVALID, name.replace(/\.json$/, '.expected.json'));
    if (!existsSync(expectedFile)) throw new Error(`invalid/${name} has no expected file (${expectedFile}); add {"problems": ["<message>", ...]}`);
    const expected = readJson(expectedFile) as { problems: string[] };

    const problems = validateStreamSpec(readJson(join(INVALID, name)));

    // The same file is asserted by test/python/test_spec_contract.py: both languages write the same text.
    expect(problems.map((p) => p.message).sort()).toEqual([...expected.problems].sort());
    for (const p of problems) expect(p.message.startsWith(`${p.path} `)).toBe(true);
  });

  test('every expected file belongs to an invalid example', () => {
    const specs = new Set(specsIn(INVALID));
    const orphans = readdirSync(INVALID)
      .filter((name) => name.endsWith('.expected.json'))
      .filter((name) => !specs.has(name.replace(/\.expected\.json$/, '.json')));
    expect(orphans).toEqual([]);
  });
});
