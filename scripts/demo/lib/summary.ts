// What the demo prints while it runs: the periodic status line and the lines announcing incidents.
// Pure formatting, so the wording is tested without running anything.
import type { ChaosStatus } from './chaos-controller';
import type { BreakerState } from './ipc';
import type { LoadCounters } from './load-generator';
import { describeChaos, SCENARIO_INFO, type ChaosState } from './scenarios';

export interface FleetFacts {
  breaker: BreakerState;
  queue: { name: string; depth: number; processed: number } | undefined;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes === 0) return `${seconds}s`;
  return seconds ? `${minutes}m${String(seconds).padStart(2, '0')}s` : `${minutes}m`;
}

export function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

const percent = (part: number, whole: number) => `${whole ? Math.round((100 * part) / whole) : 0}%`;

/** One line: traffic since the previous line, breaker, queue, and where the chaos cycle is. */
export function statusLine(now: Date, previous: LoadCounters, current: LoadCounters, elapsedMs: number, facts: FleetFacts, chaos: ChaosStatus): string {
  const answered = (c: LoadCounters) => c.ok + c.clientErrors + c.serverErrors + c.failed;
  const requests = answered(current) - answered(previous);
  const rate = elapsedMs > 0 ? (requests * 1000) / elapsedMs : 0;
  const failures = current.serverErrors - previous.serverErrors + (current.failed - previous.failed);
  const traffic = [
    `${rate.toFixed(1)} req/s`,
    `ok ${percent(current.ok - previous.ok, requests)}`,
    `4xx ${percent(current.clientErrors - previous.clientErrors, requests)}`,
    `5xx ${percent(failures, requests)}`,
  ].join(' \u00b7 ');
  const queue = facts.queue ? `queue ${facts.queue.depth} waiting, ${facts.queue.processed} processed` : 'queue \u2013';
  let phase = describeChaos(chaos.state);
  if (chaos.mode === 'pinned') phase += ' (pinned)';
  else if (chaos.next) phase += ` \u00b7 next: ${describeChaos(chaos.next.state)} in ${formatDuration(chaos.next.inMs)}`;
  return `${clock(now)}  ${traffic} \u2502 breaker ${facts.breaker.replace('_', '-')} \u2502 ${queue} \u2502 ${phase}`;
}

/** The lines printed when the chaos state changes from `previous` to `next`. */
export function announceChaos(now: Date, previous: ChaosState, next: ChaosState): string[] {
  const lines: string[] = [];
  if (previous !== 'none') {
    lines.push(`${clock(now)}  \u2714 healed: ${SCENARIO_INFO[previous].title} is over \u2014 watch: ${SCENARIO_INFO[previous].recovery}`);
  }
  if (next !== 'none') {
    const info = SCENARIO_INFO[next];
    lines.push(`${clock(now)}  \u25b6 incident: ${info.title} \u2014 ${info.effect}`);
    lines.push(`           watch: ${info.watch}`);
  }
  return lines;
}
