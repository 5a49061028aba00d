'use client';
// Two traces side by side as one merged call tree (lib/domain/trace-diff.ts): each row a call path
// with its count and mean duration in A and in B, coloured by what changed — added, removed,
// slower, faster — so "why was this request slow" reads as the rows in red.
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { formatNanos, serviceColor } from '@/components/ui/format';
import { foldByPath } from '@/lib/domain/span-paths';
import { diffTraces, type DiffChange, type DiffRow } from '@/lib/domain/trace-diff';
import { useTrace } from '../explorer/use-trace';

const CHANGE_LABEL: Record<DiffChange, string> = { added: 'only in B', removed: 'only in A', slower: 'slower', faster: 'faster', same: 'same' };

export function TraceCompare({ a, b }: { a: string; b: string }) {
  const left = useTrace(a || undefined);
  const right = useTrace(b || undefined);
  const [onlyChanges, setOnlyChanges] = useState(false);
  const diff = useMemo(
    () => (left.data && right.data ? diffTraces(foldByPath(left.data.model, left.data.tree), foldByPath(right.data.model, right.data.tree)) : undefined),
    [left.data, right.data],
  );
  const problem = left.error ? `A: ${left.error.message}` : right.error ? `B: ${right.error.message}` : undefined;
  return (
    <>
      <form className="compare-form" method="get" action="/traces/compare">
        <label>
          Trace A (baseline)
          <input name="a" defaultValue={a} placeholder="trace id" spellCheck={false} />
        </label>
        <label>
          Trace B
          <input name="b" defaultValue={b} placeholder="trace id" spellCheck={false} />
        </label>
        <button type="submit" className="button-small">
          Compare
        </button>
      </form>
      {!a || !b ? <p className="muted">Enter two trace ids, or pick two traces in the search results and press Compare.</p> : null}
      {problem ? <p className="form-error">{problem}</p> : null}
      {a && b && !diff && !problem ? <p className="muted">Loading both traces…</p> : null}
      {diff && left.data && right.data ? (
        <section data-testid="trace-diff">
          <div className="diff-legend">
            <span className="chip">
              A: <Link href={`/traces/${a}`}>{left.data.summary.rootName}</Link> · {formatNanos(left.data.summary.durationNs)} ·{' '}
              {left.data.summary.spanCount} spans
            </span>
            <span className="chip">
              B: <Link href={`/traces/${b}`}>{right.data.summary.rootName}</Link> · {formatNanos(right.data.summary.durationNs)} ·{' '}
              {right.data.summary.spanCount} spans
            </span>
            {(['added', 'removed', 'slower', 'faster'] as const).map((change) => (
              <span key={change} className={`chip chip-${change}`} data-testid={`diff-count-${change}`}>
                {diff.counts[change]} {CHANGE_LABEL[change]}
              </span>
            ))}
            <label className="toggle">
              <input type="checkbox" checked={onlyChanges} onChange={(event) => setOnlyChanges(event.target.checked)} /> only changes
            </label>
          </div>
          {left.data.summary.rootName !== right.data.summary.rootName ? (
            <p className="notice-inline muted">The two traces start from different operations; the diff compares their shapes anyway.</p>
          ) : null}
          <table className="table diff-table">
            <thead>
              <tr>
                <th>Call path</th>
                <th className="num">A count</th>
                <th className="num">A mean</th>
                <th className="num">B count</th>
                <th className="num">B mean</th>
                <th className="num">Δ mean</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {diff.rows
                .filter((row) => !onlyChanges || row.change !== 'same' || row.countChanged)
                .slice(0, 2000)
                .map((row) => (
                  <DiffRowView key={row.key} row={row} />
                ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}

function DiffRowView({ row }: { row: DiffRow }) {
  return (
    <tr className={`diff-${row.change}`} data-change={row.change}>
      <td style={{ paddingLeft: 12 + Math.min(row.depth, 30) * 14 }}>
        <span className="dot" style={{ background: row.service ? serviceColor(row.service) : '#5c6372' }} aria-hidden="true" />{' '}
        <span className="muted small">{row.service}</span> <span className="diff-op">{row.operation}</span>
      </td>
      <td className="num">{row.a?.count ?? '—'}</td>
      <td className="num">{row.a ? formatNanos(row.a.meanNs) : '—'}</td>
      <td className={`num${row.countChanged ? ' error-text' : ''}`}>{row.b?.count ?? '—'}</td>
      <td className="num">{row.b ? formatNanos(row.b.meanNs) : '—'}</td>
      <td className="num diff-delta">{row.a && row.b ? `${row.deltaNs >= 0 ? '+' : '−'}${formatNanos(Math.abs(row.deltaNs))}` : ''}</td>
      <td>{row.change === 'same' ? (row.countChanged ? 'count changed' : '') : CHANGE_LABEL[row.change]}</td>
    </tr>
  );
}
