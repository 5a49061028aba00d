// Reads the sample lines of a recorded exposition file into instant samples, for deriver tests.
// Lenient on purpose (recorded files include docs excerpts that a strict parser refuses); the real
// parsers live in lib/domain/metrics/exposition and have their own conformance tests.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { InstantSample } from '../../lib/domain/metrics/types';

export const EXPOSITION_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/exposition');

export function readExposition(file: string): string {
  return readFileSync(path.join(EXPOSITION_FIXTURES, file), 'utf8');
}

/** The samples of every recorded exposition file, and of `extraLines` (names no recording has). */
export function everyExpositionSample(extraLines: readonly string[] = []): InstantSample[] {
  const files = readdirSync(EXPOSITION_FIXTURES).filter((f) => f.endsWith('.txt'));
  return samplesFromText([...files.map(readExposition), ...extraLines].join('\n'));
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;

export function samplesFromText(text: string): InstantSample[] {
  const out: InstantSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = { __name__: m[1]! };
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    const raw = m[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    out.push({ labels, value });
  }
  return out;
}
