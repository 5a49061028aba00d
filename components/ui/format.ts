// How the UI writes durations, times and attribute values. Pure; the current time is passed in.
import type { AttributeValue, Nanos } from '@/lib/domain/model';

/** 850 ns · 120 µs · 45.2 ms · 1.23 s · 2m 5s */
export function formatDurationNs(ns: Nanos): string {
  const n = Number(ns);
  if (n < 1_000) return `${n} ns`;
  if (n < 1_000_000) return `${trim(n / 1_000)} µs`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000)} ms`;
  if (n < 60_000_000_000) return `${trim(n / 1_000_000_000)} s`;
  const totalSeconds = Math.round(n / 1_000_000_000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m ${seconds}s`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** 2026-11-21 04:55:12.345 UTC */
export function formatTimestampNs(ns: Nanos): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(ns: Nanos, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Number(ns / 1_000_000n)) / 1000));
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function formatAttributeValue(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Well-separated hues on a dark background; no red, which means "error". */
const SERVICE_COLORS = [
  '#6ea8fe', // blue
  '#69db7c', // green
  '#ffd43b', // yellow
  '#f783ac', // pink
  '#b197fc', // violet
  '#ffa94d', // orange
  '#3bc9db', // cyan
  '#c0eb75', // lime
  '#e9b872', // sand
  '#91a7ff', // indigo
  '#38d9a9', // teal
  '#eebefa', // lilac
];

/** A stable color per service name (FNV-1a hash), so a service looks the same on every page. */
export function serviceColor(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return SERVICE_COLORS[(hash >>> 0) % SERVICE_COLORS.length]!;
}

/** formatDurationNs for a float offset in ns (the trace explorer's columns). */
export function formatNanos(ns: number): string {
  return formatDurationNs(BigInt(Math.max(0, Math.round(ns))));
}
