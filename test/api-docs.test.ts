import * as fs from 'node:fs';

// The generator is plain JavaScript so `npm run docs` needs no build step.
const { render, collect, OUTPUT } = require('../scripts/api-docs.js') as {
  render: () => string;
  collect: () => { classes: Array<{ name: string; doc: { tags: Record<string, string> } }> };
  OUTPUT: string;
};

describe('API reference', () => {
  test('docs/api.md is what the generator writes from the current sources (run `npm run docs`)', () => {
    expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(render());
  });

  test('every construct documents an @example', () => {
    const missing = collect()
      .classes.filter((cls) => !cls.doc.tags.example)
      .map((cls) => cls.name);
    expect(missing).toEqual([]);
  });
});
