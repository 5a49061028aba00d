// The full-text terms: tokenizing, what the index is asked, the SQL word test's in-memory meaning,
// and learning which terms are common.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommonTermLearner, MAX_TERM_LENGTH, indexAnswers, indexedTermsLiteral, logTokens, prefixTsQuery, queryWords, startsToken, wordStartRegex } from './log-terms';

test('tokens: lowercased runs between ASCII punctuation and space, distinct, non-ASCII kept in words', () => {
  assert.deepEqual(logTokens('Payment DECLINED: id=Abc_def /api/cart payment café—x "q" back\\slash\ttab'), [
    'payment',
    'declined',
    'id',
    'abc',
    'def',
    'api',
    'cart',
    'café—x',
    'q',
    'back',
    'slash',
    'tab',
  ]);
  assert.deepEqual(logTokens(''), []);
  assert.deepEqual(logTokens(' ,;: '), []);
});

test('a long token is cut to MAX_TERM_LENGTH, never inside a surrogate pair', () => {
  assert.equal(logTokens('x'.repeat(100))[0], 'x'.repeat(MAX_TERM_LENGTH));
  const cut = logTokens(`${'x'.repeat(MAX_TERM_LENGTH - 1)}😀tail`)[0]!;
  assert.equal(cut, 'x'.repeat(MAX_TERM_LENGTH - 1));
  assert.ok(cut.isWellFormed());
});

test('the indexed terms leave the common ones out; an empty literal is an empty tsvector', () => {
  const tokens = logTokens('order 42 shipped to warehouse 7');
  assert.equal(indexedTermsLiteral(tokens, new Set()), "'order' '42' 'shipped' 'to' 'warehouse' '7'");
  assert.equal(indexedTermsLiteral(tokens, new Set(['order', 'shipped', 'to', 'warehouse'])), "'42' '7'");
  assert.equal(indexedTermsLiteral(['order'], new Set(['order'])), '');
});

test('query words, and which of them the index answers', () => {
  assert.deepEqual(queryWords('Card DECLINED id=7f'), ['card', 'declined', 'id', '7f']);
  assert.equal(queryWords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ')).length, 16);
  assert.ok(indexAnswers('7f3a', false));
  assert.ok(!indexAnswers('decl', true), 'a common term starts with it');
  assert.ok(!indexAnswers('café', false), 'non-ASCII: answered without the index');
  assert.equal(prefixTsQuery(['declin', '7f']), "'declin':* & '7f':*");
  assert.equal(prefixTsQuery([]), '');
});

test('a word matches where it starts a token, ASCII case ignored', () => {
  assert.ok(startsToken('payment DECLINED', 'declin'));
  assert.ok(startsToken('id=7F3a', '7f'));
  assert.ok(startsToken('user_id', 'id'));
  assert.ok(!startsToken('undeclined', 'declin'), 'inside a word');
  assert.ok(!startsToken('cafédeclined', 'declined'), 'after a non-ASCII letter');
  assert.equal(wordStartRegex('7f'), '(^|[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f])7f');
});

test('a term in ≥ 1 % of the sampled records is proposed once, and left out only once adopted', () => {
  const proposed: string[][] = [];
  const learner = new CommonTermLearner((terms) => proposed.push(terms));
  const perRecord = CommonTermLearner.SAMPLE_EVERY;
  const threshold = Math.ceil(CommonTermLearner.WINDOW_SAMPLES * CommonTermLearner.COMMON_SHARE);
  for (let i = 0; i < threshold * perRecord; i++) learner.observe(['order', `id${i}`]);
  assert.deepEqual(proposed, [['order']]);
  assert.equal(learner.common.size, 0, 'not durable yet');
  for (let i = 0; i < threshold * perRecord; i++) learner.observe(['order']);
  assert.equal(proposed.length, 1, 'not proposed twice while pending');
  learner.adopt(['order']);
  assert.deepEqual([...learner.common], ['order']);
  learner.forget(['x']);
  assert.deepEqual([...learner.common], ['order']);
});

test('a failed promotion lets the term be proposed again; counts restart every window', () => {
  const proposed: string[][] = [];
  const learner = new CommonTermLearner((terms) => proposed.push(terms));
  const threshold = Math.ceil(CommonTermLearner.WINDOW_SAMPLES * CommonTermLearner.COMMON_SHARE);
  for (let i = 0; i < threshold * CommonTermLearner.SAMPLE_EVERY; i++) learner.observe(['retry']);
  learner.forget(['retry']);
  for (let i = 0; i < threshold * CommonTermLearner.SAMPLE_EVERY; i++) learner.observe(['retry']);
  assert.deepEqual(proposed, [['retry'], ['retry']]);
  // Seen in fewer than 1 % of the samples of each window: never proposed.
  const rare = new CommonTermLearner(() => assert.fail('rare term proposed'));
  for (let i = 0; i < CommonTermLearner.WINDOW_SAMPLES * CommonTermLearner.SAMPLE_EVERY * 3; i++) {
    rare.observe(i % (CommonTermLearner.SAMPLE_EVERY * 200) === 0 ? ['seldom'] : []);
  }
});

test('a text with many distinct tokens keeps them in first-seen order, each once', () => {
  const words = Array.from({ length: 80 }, (_, i) => `w${i}`);
  const text = [...words, ...words.map((w) => w.toUpperCase()), ...words].join(' ');
  assert.deepEqual(logTokens(text), words);
});
