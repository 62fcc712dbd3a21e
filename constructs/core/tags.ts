import { type IAspect, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';

/** A resource that takes Azure tags (every azurerm resource class with a `tags` argument). */
interface Taggable {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is IConstruct & Taggable {
  return TerraformResource.isTerraformResource(node) && 'tagsInput' in node;
}

/**
 * Applies tags to every taggable resource under the scope it is added to
 * (`Aspects.of(stack).add(new TagsAspect(tags))`).
 *
 * Tags set on a resource itself win over these, so a construct can refine a tag for one resource.
 */
export class TagsAspect implements IAspect {
  public constructor(private readonly tags: Readonly<Record<string, string>>) {}

  public visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
  }
}

/** The tags every resource of an environment carries, merged with the environment's own. */
export function standardTags(workload: string, environment: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { workload, environment, 'managed-by': 'cdktf', ...extra };
}
