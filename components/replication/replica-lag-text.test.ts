import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicaLagText } from './replica-lag-text';

const status = { readFrom: 'replica' as const, lagSeconds: 0, lagging: false, replayPaused: false, warnAfterSeconds: 5 };

test('the banner speaks only when a replica is behind', () => {
  assert.equal(replicaLagText(undefined), null);
  assert.equal(replicaLagText({ ...status, readFrom: 'primary', lagSeconds: null }), null);
  assert.equal(replicaLagText(status), null);
  assert.equal(replicaLagText({ ...status, lagSeconds: 12.4, lagging: true }), 'Reading from a read replica that is 12 s behind the primary: the newest spans may be missing.');
  assert.match(replicaLagText({ ...status, lagSeconds: 3, lagging: true, replayPaused: true }) ?? '', /replay is paused/);
});
