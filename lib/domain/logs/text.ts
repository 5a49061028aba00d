// Text as it may be stored: PostgreSQL text and jsonb cannot hold U+0000, and an unpaired UTF-16
// surrogate (what a lone half of an emoji becomes) is not valid UTF-8. Invalid UTF-8 bytes are
// already U+FFFD by the time a decoder has a string (its TextDecoder is not fatal); this removes
// the rest, so one odd log line cannot fail a whole batch.

const NEEDS_CLEANING = /[\u0000\ud800-\udfff]/;

export function cleanText(value: string): string {
  if (!NEEDS_CLEANING.test(value)) return value;
  return value.replace(/\u0000/g, '\uFFFD').toWellFormed();
}
