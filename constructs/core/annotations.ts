import type { IConstruct } from 'constructs';

export type AnnotationLevel = 'error' | 'warn' | 'info';

/**
 * Adds the annotation `Annotations.of(scope).addX` would, without its stack trace: cdktf copies
 * annotations into manifest.json, and a trace holds this machine's paths and changes with every edit,
 * which would make synthesized output neither portable nor reproducible.
 */
export function annotate(scope: IConstruct, level: AnnotationLevel, message: string): void {
  const type = `@cdktf/${level}`;
  if (scope.node.metadata.some((entry) => entry.type === type && entry.data === message)) return;
  scope.node.addMetadata(type, message);
}
