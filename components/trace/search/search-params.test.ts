import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSearchValues, writeSearchValues } from './search-params';

test('a search survives the URL both ways, defaults left out', () => {
  const url = 'service=orders&tag=http.route:%2Fapi%2Fcheckout&tag=error:true&minDuration=100ms&lookback=custom&start=1&end=2&errors=1';
  const values = readSearchValues(new URLSearchParams(url));
  assert.deepEqual(values.filters, [
    { key: 'http.route', value: '/api/checkout' },
    { key: 'error', value: 'true' },
  ]);
  assert.equal(values.limit, '20');
  assert.equal(decodeURIComponent(writeSearchValues(values).toString()), decodeURIComponent(url));
  assert.equal(writeSearchValues(readSearchValues(new URLSearchParams('lookback=1h&limit=20&start=5'))).toString(), '');
});
