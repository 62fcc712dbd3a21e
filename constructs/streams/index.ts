// Stream definitions and the stream spec v1 contract: exports only.
export * from './stream-definition';
export * from './stream-spec';
export * from './stream-spec-document.generated';
export * from './validate-stream-spec';
