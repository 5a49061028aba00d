// Text as it may be stored: PostgreSQL text and jsonb cannot hold U+0000, and an unpaired UTF-16
// surrogate (what a lone half of an emoji becomes) is not valid UTF-8. Invalid UTF-8 bytes are
// already U+FFFD by the time a decoder has a string (its TextDecoder is not fatal); this removes
// the rest, so one odd log line cannot fail a whole batch.

export function cleanText(value: string): string {
  // Two native scans, not a character-class regex test (ten times slower on a log body).
  if (!value.includes('\u0000') && value.isWellFormed()) return value;
  return value.replace(/\u0000/g, '\uFFFD').toWellFormed();
}
