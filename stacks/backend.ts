import { AzurermBackend, LocalBackend, type TerraformStack } from 'cdktf';
import type { BackendConfig } from './config/environment';

/**
 * The local state file of a stack, relative to the stack's own working directory
 * (`cdktf.out/stacks/<stack>/`), so it resolves to `<project>/state/<stack>.tfstate` from every stack:
 * a cross-stack `terraform_remote_state` copies this string into the reading stack, and an absolute
 * path would put this machine's folders into the synthesized JSON.
 */
export function localStatePath(stackName: string): string {
  return `../../../state/${stackName}.tfstate`;
}

/** Configures where a stack keeps its state. */
export function configureBackend(stack: TerraformStack, stackName: string, backend: BackendConfig): void {
  if (backend.type === 'azurerm') {
    new AzurermBackend(stack, {
      resourceGroupName: backend.resourceGroupName,
      storageAccountName: backend.storageAccountName,
      containerName: backend.containerName,
      key: `${backend.keyPrefix ?? ''}${stackName}.tfstate`,
      useAzureadAuth: true,
    });
    return;
  }
  new LocalBackend(stack, { path: localStatePath(stackName) });
}
