import { type TerraformResource, type TerraformVariable, Token } from 'cdktf';

/**
 * A secret's value as a reference, never as text: a resource attribute (an authorization rule's
 * connection string) or a sensitive Terraform variable. There is deliberately no way to build one
 * from a plain string, so no secret can land in code or in the synthesized JSON.
 */
export class SecretValue {
  /** An attribute of a resource, for example `SecretValue.fromAttribute(rule, 'primary_connection_string')`. */
  public static fromAttribute(resource: TerraformResource, attribute: string): SecretValue {
    return new SecretValue(resource.getStringAttribute(attribute), `${resource.terraformResourceType}.${attribute}`);
  }

  /** A Terraform variable; it must be declared `sensitive: true` so Terraform never prints it. */
  public static fromSensitiveVariable(variable: TerraformVariable): SecretValue {
    if (!variable.sensitive) {
      throw new Error(`SecretValue.fromSensitiveVariable: variable '${variable.node.path}' must be declared with sensitive: true`);
    }
    return new SecretValue(variable.stringValue, `var.${variable.friendlyUniqueId}`);
  }

  private constructor(
    /** The token that resolves to the value at apply time. */
    public readonly token: string,
    /** Where the value comes from, for messages. */
    public readonly source: string,
  ) {
    if (!Token.isUnresolved(token)) throw new Error(`SecretValue: ${source} is not a reference`);
  }
}
