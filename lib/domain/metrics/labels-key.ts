// One canonical string per label set, for maps keyed by series: the same labels in any order give
// the same key, and two different label sets never share one (names cannot contain NUL, and each
// value is length-prefixed, so no value can imitate a delimiter).
import type { Labels } from './types';

export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) {
    const value = labels[name]!;
    key += `${name}\u0000${value.length}\u0000${value}`;
  }
  return key;
}
