/** OpenAPI descriptions of the request headers several modules take. */
export const IDEMPOTENCY_KEY_HEADER_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Retry-safe creation: the same key and body return the first result; another body answers 409',
};
export const IF_MATCH_HEADER_DOC = {
  name: 'If-Match',
  required: false,
  description: 'The version you read; 412 when the resource has changed since',
};
