// Tags copied from jsonb text must equal the reference mapping of the parsed attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../domain/model';
import { jsonbTagsJson } from './jsonb-tags';
import { keyValueJson } from './serialize';
import { toJaegerTags } from './to-jaeger';

/** What jsonbTagsJson must produce: the reference tags, comma-separated. */
function referenceTags(text: string, leadingComma: boolean): string {
  const attributes = JSON.parse(text) as Attributes;
  const tags = toJaegerTags(attributes).map((tag) => keyValueJson(tag.key, attributes[tag.key]!));
  return tags.length === 0 ? '' : (leadingComma ? ',' : '') + tags.join(',');
}

// As PostgreSQL prints jsonb: ", " and ": " separators, keys by length then bytes.
const jsonbTexts = [
  '{}',
  '{"a": 1}',
  '{"b": true, "a": false, "c": null}',
  '{"n": -12, "f": 1.25, "e": 0.000001, "z": 0}',
  '{"s": "quote \\" backslash \\\\ tab \\t nl \\n ctl \\u0001", "t": "\\\\"}',
  '{"é": "ünïcode", "日本": "語", "🚀": "rocket 🚀"}',
  '{"\\"quoted\\"": 1, "back\\\\slash": "v"}',
  '{"list": [1, "two", [3], {"k": "v"}], "kv": {"a": {"b": [true, null]}}, "empty": []}',
  '{"url.full": "https://x/y?z=1", "http.route": "/a", "server.port": 8080, "app.feature.flag": false}',
  '{"Z": 1, "a": 2, "_": 3, "A": 4, "aa": 5, "a.b": 6}',
];

test('tags from jsonb text equal the reference, with and without a leading comma', () => {
  for (const text of jsonbTexts) {
    for (const leadingComma of [true, false]) {
      assert.equal(jsonbTagsJson(text, leadingComma), referenceTags(text, leadingComma), text);
    }
  }
});

test('the same key layout with other values reuses the cached order and stays right', () => {
  for (let i = 0; i < 200; i++) {
    const text = `{"b": ${i}, "a": "v${i}", "ccc": ${i % 2 === 0}, "dd": ${i / 8}}`;
    assert.equal(jsonbTagsJson(text, false), referenceTags(text, false));
  }
  // Same key count, different keys: a different layout.
  assert.equal(jsonbTagsJson('{"x": 1, "y": 2, "zzz": 3, "ww": 4}', false), referenceTags('{"x": 1, "y": 2, "zzz": 3, "ww": 4}', false));
});

test('numbers keep the digits PostgreSQL printed: an int64 beyond 2^53 stays exact', () => {
  const tags = JSON.parse(`[${jsonbTagsJson('{"big": 9007199254740993, "f": 1.5}', false)}]`);
  assert.deepEqual(tags, [
    { key: 'big', type: 'int64', value: 9007199254740993 },
    { key: 'f', type: 'float64', value: 1.5 },
  ]);
  assert.match(jsonbTagsJson('{"big": 9007199254740993}', false), /"value":9007199254740993\}/);
});

test('text the scanner does not expect goes through JSON.parse instead', () => {
  for (const text of ['{ "spaced" :  1 ,"tight":2}', '{"a":1}', ' {"a": "b"} ']) {
    assert.equal(jsonbTagsJson(text, false), referenceTags(text, false), text);
  }
});

test('objects with more members than the scan buffers start with, and more layouts than are cached', () => {
  const wide = `{${Array.from({ length: 150 }, (_, i) => `"k${String(i).padStart(3, '0')}": ${i % 3 === 0 ? `"v${i}"` : i}`).join(', ')}}`;
  assert.equal(jsonbTagsJson(wide, true), referenceTags(wide, true));
  for (let i = 0; i < 200; i++) {
    const text = `{"a${i}": 1, "b${i}": "x"}`;
    assert.equal(jsonbTagsJson(text, false), referenceTags(text, false), text);
  }
});
