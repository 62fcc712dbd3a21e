import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validate as precompiled } from '../../constructs/streams/stream-spec-validator.generated';

// The generator is plain JavaScript so the build runs it without compiling it first.
const generator = require('../../scripts/compile-spec-validator.js') as {
  render: () => string;
  compileAtRunTime: () => ValidateFunction;
  OUTPUT: string;
};

const EXAMPLES = join(__dirname, '..', '..', 'schema', 'examples');

/** Every example spec, valid and invalid, plus documents that are not specs at all. */
function documents(): Array<[string, unknown]> {
  const examples = ['valid', 'invalid'].flatMap((dir) =>
    readdirSync(join(EXAMPLES, dir))
      .filter((file) => file.endsWith('.json') && !file.endsWith('.expected.json'))
      .map((file): [string, unknown] => [`${dir}/${file}`, JSON.parse(readFileSync(join(EXAMPLES, dir, file), 'utf-8'))]),
  );
  return [...examples, ['null', null], ['a list', []], ['a string', 'spec'], ['an empty object', {}]];
}

function errorsOf(validate: ValidateFunction, document: unknown): ErrorObject[] | null | undefined {
  validate(document);
  return validate.errors;
}

describe('precompiled stream spec validator', () => {
  test('is what the generator writes from the current schema (run `npm run compile:spec-validator`)', () => {
    expect(readFileSync(generator.OUTPUT, 'utf-8')).toBe(generator.render());
  });

  const atRunTime = generator.compileAtRunTime();
  test.each(documents())('reports exactly the errors of the schema compiled at run time: %s', (_name, document) => {
    expect(errorsOf(precompiled as unknown as ValidateFunction, document)).toEqual(errorsOf(atRunTime, document));
  });
});
