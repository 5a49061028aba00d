// Reads a request body within a size limit, before and after decompression. Decompression is
// bounded by zlib's maxOutputLength, so a small gzip bomb fails fast instead of filling memory.
import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { PermanentError } from './errors';

const gunzipAsync = promisify(gunzip) as (buf: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;
const inflateAsync = promisify(inflate) as (buf: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;

export async function readRawBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new PermanentError('too-large', `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new PermanentError('too-large', `request body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export async function decodeContentEncoding(body: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === '' || name === 'identity') return body;
  if (name !== 'gzip' && name !== 'deflate') {
    throw new PermanentError('unsupported-media-type', `unsupported Content-Encoding "${encoding}"; use gzip or none`);
  }
  try {
    return await (name === 'gzip' ? gunzipAsync : inflateAsync)(body, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new PermanentError('too-large', `decompressed request body exceeds the limit of ${maxBytes} bytes`);
    }
    throw new PermanentError('malformed', `body is not valid ${name} data: ${(error as Error).message}`);
  }
}
