import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDemoArgs, UsageError } from './options';

test('no options: the cycling demo at 8 requests/s with Meshlight', () => {
  const options = parseDemoArgs([]);
  assert.equal(options.rate, 8);
  assert.equal(options.chaos, undefined);
  assert.equal(options.noChaos, false);
  assert.equal(options.noMeshlight, false);
  assert.equal(options.portBase, 7300);
  assert.equal(options.duration, undefined);
});

test('options as the README shows them', () => {
  const options = parseDemoArgs(['--chaos', 'payments-down', '--rate', '5', '--duration', '30', '--no-meshlight', '--no-rabbitmq']);
  assert.equal(options.chaos, 'payments-down');
  assert.equal(options.rate, 5);
  assert.equal(options.duration, 30);
  assert.equal(options.noMeshlight, true);
  assert.equal(options.noRabbitmq, true);
});

test('mistakes are refused with the option named', () => {
  assert.throws(() => parseDemoArgs(['--chaos', 'meteor-strike']), (e: Error) => e instanceof UsageError && /--chaos/.test(e.message));
  assert.throws(() => parseDemoArgs(['--rate', '-3']), (e: Error) => e instanceof UsageError && /--rate/.test(e.message));
  assert.throws(() => parseDemoArgs(['--chaos', 'slow-consumer', '--no-chaos']), UsageError);
  assert.throws(() => parseDemoArgs(['--bogus']), UsageError);
});
