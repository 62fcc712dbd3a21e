import { Testing } from 'cdktf';
import { collectProblems } from '../constructs/core/synthesis';
import { addEnvironment } from '../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import { resourcesOf, type TerraformJson } from './helpers/synth';

/** Whether the environment's Key Vault carries `prevent_destroy` (one of the stateful resources SP-LC1 names). */
function vaultIsProtected(name: string, production: boolean): boolean {
  const app = Testing.app();
  const { platform } = addEnvironment(app, { ...DEFAULT_ENVIRONMENTS.prod, name, production });
  expect(collectProblems(app)).toEqual([]);
  const json: TerraformJson = JSON.parse(Testing.synth(platform, false));
  const [vault] = Object.values(resourcesOf(json, 'azurerm_key_vault'));
  return (vault.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;
}

describe('production safeguards follow the production flag, not the environment name', () => {
  test('an environment named prod that is not production has none', () => {
    expect(vaultIsProtected('prod', false)).toBe(false);
  });

  test('a production environment of any name has them', () => {
    expect(vaultIsProtected('live', true)).toBe(true);
  });
});
