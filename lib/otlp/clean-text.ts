// Text PostgreSQL refuses, cleaned where it is decoded so that it can never reach a batch write, a
// rollup or a dictionary row: U+0000 (refused by text and jsonb) and unpaired UTF-16 surrogates
// (JSON.parse makes them from "\ud800"; jsonb refuses them). Both become U+FFFD, as an invalid
// UTF-8 sequence already does in the protobuf decoder's TextDecoder.
//
// Decoders are synchronous, so one tally is enough for them to tell which spans (or records) had
// text cleaned: they read `textRepairs.count` before and after decoding one, and report the
// difference in partial_success.

import { cleanText as storableText } from '../domain/logs/text';

export const textRepairs = { count: 0 };

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/** Text from a JSON document: may hold NUL and unpaired surrogates (cleaned as lib/domain/logs/text.ts does, and counted). */
export function cleanText(text: string): string {
  const clean = storableText(text);
  if (clean !== text) textRepairs.count++;
  return clean;
}

/** Text decoded from UTF-8 (TextDecoder already replaced invalid sequences): only NUL to check. */
export function cleanDecodedUtf8(text: string): string {
  if (text.indexOf(NUL) === -1) return text;
  textRepairs.count++;
  return text.replaceAll(NUL, REPLACEMENT);
}
