'use client';
// Label filter rows for the picked metric: label, operator, value (suggested from the stored
// values). Applying them writes the selector into the query editor.
import { useId } from 'react';
import type { LabelMatcher, MatchType } from '@/lib/domain/metrics/types';
import { useLabelNames, useLabelValues } from './use-prom-api';

const OPS: MatchType[] = ['=', '!=', '=~', '!~'];

function ValueInput({ label, metric, value, onChange }: { label: string; metric: string | null; value: string; onChange: (v: string) => void }) {
  const values = useLabelValues(label, metric);
  const listId = useId();
  return (
    <>
      <input aria-label={`Value of ${label || 'label'}`} className="mono" list={listId} value={value} onChange={(e) => onChange(e.target.value)} placeholder="value" />
      <datalist id={listId}>
        {(values.data ?? []).slice(0, 200).map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </>
  );
}

export function LabelFilters({
  metric,
  filters,
  onChange,
  onApply,
}: {
  metric: string | null;
  filters: LabelMatcher[];
  onChange: (filters: LabelMatcher[]) => void;
  onApply: () => void;
}) {
  const names = useLabelNames(metric);
  const labelOptions = (names.data ?? []).filter((n) => n !== '__name__');
  const update = (i: number, patch: Partial<LabelMatcher>) => onChange(filters.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <div className="label-filters">
      {filters.map((filter, i) => (
        <div className="label-filter" key={i}>
          <select aria-label="Label" value={filter.name} onChange={(e) => update(i, { name: e.target.value })}>
            <option value="">label…</option>
            {labelOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <select aria-label="Operator" value={filter.type} onChange={(e) => update(i, { type: e.target.value as MatchType })} className="mono">
            {OPS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
          <ValueInput label={filter.name} metric={metric} value={filter.value} onChange={(value) => update(i, { value })} />
          <button type="button" className="icon-button" aria-label="Remove filter" onClick={() => onChange(filters.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <div className="label-filter-actions">
        <button type="button" onClick={() => onChange([...filters, { name: '', type: '=', value: '' }])}>
          + Label filter
        </button>
        {filters.length > 0 && (
          <button type="button" onClick={onApply}>
            Apply filters
          </button>
        )}
      </div>
    </div>
  );
}
