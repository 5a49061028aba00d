// A MINIMAL Prometheus text format 0.0.4 reader, only so this branch can scrape before the real
// parser (metrics-ingest branch) is merged: HELP/TYPE, label escapes, NaN/±Inf, optional timestamps.
// No OpenMetrics, exemplars, UNIT, or validation beyond what it needs. Delete it on merge
// (see exposition.ts).
import type { MetricMetadata, MetricType, Sample } from '../../lib/domain/metrics/types';
import type { ParsedExposition } from './exposition';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped' as MetricType]);

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new Error(`invalid sample value "${text}"`);
  return v;
}

export function parsePrometheusTextStub(body: string, _contentType: string, defaultTimestampMs: number): ParsedExposition {
  const families = new Map<string, MetricMetadata>();
  const series = new Map<string, { labels: Record<string, string>; samples: Sample[] }>();
  const lines = body.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(.*)$/.exec(line);
      if (!match) return;
      const family = families.get(match[2]!) ?? { metric: match[2]!, type: 'unknown' as MetricType, help: '', unit: '' };
      if (match[1] === 'HELP') family.help = match[3]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else family.type = TYPES.has(match[3] as MetricType) && match[3] !== 'untyped' ? (match[3] as MetricType) : 'unknown';
      families.set(match[2]!, family);
      return;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1}: cannot parse "${line.slice(0, 80)}"`);
    const labels: Record<string, string> = { __name__: match[1]! };
    const block = match[2];
    if (block) {
      const inner = block.slice(1, -1);
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < inner.length) {
        const at = LABEL.lastIndex;
        const label = LABEL.exec(inner);
        if (!label || label.index !== at) {
          if (inner.slice(at).trim() === '') break;
          throw new Error(`line ${index + 1}: invalid labels "${block.slice(0, 80)}"`);
        }
        labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
      }
    }
    let v: number;
    try {
      v = parseValue(match[3]!);
    } catch (error) {
      throw new Error(`line ${index + 1}: ${(error as Error).message}`);
    }
    const t = match[4] !== undefined ? Number(match[4]) : defaultTimestampMs;
    const key = JSON.stringify(labels);
    const entry = series.get(key) ?? { labels, samples: [] };
    entry.samples.push({ t, v });
    series.set(key, entry);
  });
  return { series: [...series.values()], metadata: [...families.values()] };
}
