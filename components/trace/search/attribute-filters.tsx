'use client';
// Attribute filters as key = value rows (every row must match the same span, as in Jaeger), with
// keys and values suggested from recent spans of the chosen service, asked for once a filter field
// is focused (a search that uses no filter makes no suggestion request).
import { useId, useState } from 'react';
import type { AttributeFilter } from './search-params';
import { useAttributeKeys, useAttributeValues } from './use-search-suggestions';

interface Props {
  service: string;
  filters: AttributeFilter[];
  onChange(filters: AttributeFilter[]): void;
}

export function AttributeFilters({ service, filters, onChange }: Props) {
  const [suggest, setSuggest] = useState(false);
  const keys = useAttributeKeys(service, suggest);
  const keyList = useId();
  const rows = filters.length > 0 ? filters : [{ key: '', value: '' }];
  const update = (index: number, change: Partial<AttributeFilter>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <div className="attr-filters" onFocus={suggest ? undefined : () => setSuggest(true)}>
      <datalist id={keyList}>
        {(keys.data ?? []).map((key) => (
          <option key={key} value={key} />
        ))}
      </datalist>
      {rows.map((row, index) => (
        <FilterRow
          key={index}
          service={service}
          row={row}
          suggest={suggest}
          keyList={keyList}
          onChange={(change) => update(index, change)}
          onRemove={rows.length > 1 || row.key ? () => onChange(rows.filter((_, i) => i !== index)) : undefined}
        />
      ))}
      <div>
        <button type="button" className="button-small secondary" onClick={() => onChange([...rows, { key: '', value: '' }])}>
          + attribute filter
        </button>
      </div>
    </div>
  );
}

function FilterRow({
  service,
  row,
  suggest,
  keyList,
  onChange,
  onRemove,
}: {
  service: string;
  row: AttributeFilter;
  suggest: boolean;
  keyList: string;
  onChange(change: Partial<AttributeFilter>): void;
  onRemove?: () => void;
}) {
  const values = useAttributeValues(service, row.key, suggest);
  const valueList = useId();
  return (
    <div className="attr-filter">
      <input
        aria-label="Attribute key"
        list={keyList}
        value={row.key}
        placeholder="attribute key, e.g. http.route"
        onChange={(event) => onChange({ key: event.target.value })}
        spellCheck={false}
        autoComplete="off"
        data-testid="filter-key"
      />
      <span className="muted">=</span>
      <datalist id={valueList}>
        {(values.data ?? []).map((value) => (
          <option key={value} value={value} />
        ))}
      </datalist>
      <input
        aria-label="Attribute value"
        list={valueList}
        value={row.value}
        placeholder="value"
        onChange={(event) => onChange({ value: event.target.value })}
        spellCheck={false}
        autoComplete="off"
        data-testid="filter-value"
      />
      {onRemove ? (
        <button type="button" className="button-small secondary" onClick={onRemove} aria-label="Remove filter">
          ✕
        </button>
      ) : null}
    </div>
  );
}
