import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrpcCode, PermanentError, RetryableError, statusForError } from './errors';

const table: Array<[string, unknown, number, number, boolean]> = [
  ['malformed body', new PermanentError('malformed', 'x'), 400, GrpcCode.INVALID_ARGUMENT, false],
  ['unsupported content type', new PermanentError('unsupported-media-type', 'x'), 415, GrpcCode.INVALID_ARGUMENT, false],
  ['body too large', new PermanentError('too-large', 'x'), 413, GrpcCode.RESOURCE_EXHAUSTED, false],
  ['unknown path', new PermanentError('not-found', 'x'), 404, GrpcCode.UNIMPLEMENTED, false],
  ['wrong method', new PermanentError('method-not-allowed', 'x'), 405, GrpcCode.UNIMPLEMENTED, false],
  ['no or a wrong ingest token', new PermanentError('unauthenticated', 'x'), 401, GrpcCode.UNAUTHENTICATED, false],
  ['a web page of a foreign origin', new PermanentError('forbidden-origin', 'x'), 403, GrpcCode.PERMISSION_DENIED, false],
  ['queue full', new RetryableError('queue-full', 'x', 1), 503, GrpcCode.UNAVAILABLE, true],
  ['database down', new RetryableError('storage-unavailable', 'x', 5), 503, GrpcCode.UNAVAILABLE, true],
  ['shutting down', new RetryableError('shutting-down', 'x', 5), 503, GrpcCode.UNAVAILABLE, true],
  ['an unexpected bug is never a 500', new TypeError('boom'), 503, GrpcCode.UNAVAILABLE, true],
];

for (const [name, error, http, grpc, retryable] of table) {
  test(`status for ${name}: HTTP ${http}, gRPC ${grpc}`, () => {
    const status = statusForError(error);
    assert.equal(status.http, http);
    assert.equal(status.grpc, grpc);
    assert.equal(status.retryAfterSeconds !== undefined, retryable);
    assert.ok(status.message.length > 0);
  });
}
