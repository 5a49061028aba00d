'use client';
// Metric-name autocomplete: type to filter the stored metric names; each suggestion shows its TYPE
// and HELP. Arrow keys move, Enter picks, Escape closes.
import { useMemo, useState } from 'react';
import type { MetadataEntry } from './use-prom-api';

const MAX_SUGGESTIONS = 40;

/** The metadata entry of a series name: `x_bucket`/`x_sum`/`x_count`/`x_total` belong to family `x`. */
export function familyMetadata(name: string, metadata: Record<string, MetadataEntry[]> | undefined): MetadataEntry | undefined {
  if (!metadata) return undefined;
  if (metadata[name]) return metadata[name][0];
  const family = name.replace(/_(bucket|sum|count|total|created|info)$/, '');
  return metadata[family]?.[0];
}

export function MetricPicker({
  names,
  metadata,
  value,
  onPick,
}: {
  names: string[];
  metadata: Record<string, MetadataEntry[]> | undefined;
  value: string;
  onPick: (name: string) => void;
}) {
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const found = needle ? names.filter((name) => name.toLowerCase().includes(needle)) : names;
    // Names that start with the text first.
    return found.sort((a, b) => Number(!a.toLowerCase().startsWith(needle)) - Number(!b.toLowerCase().startsWith(needle)) || a.localeCompare(b)).slice(0, MAX_SUGGESTIONS);
  }, [names, text]);

  const pick = (name: string) => {
    setText(name);
    setOpen(false);
    onPick(name);
  };

  return (
    <div className="metric-picker">
      <input
        aria-label="Metric"
        placeholder={`Metric name (${names.length} metrics)`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((i) => Math.min(i + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => Math.max(i - 1, 0));
          } else if (e.key === 'Enter' && matches[active]) {
            e.preventDefault();
            pick(matches[active]);
          } else if (e.key === 'Escape') setOpen(false);
        }}
        className="mono"
      />
      {open && matches.length > 0 && (
        <ul className="metric-suggestions" role="listbox">
          {matches.map((name, i) => {
            const meta = familyMetadata(name, metadata);
            return (
              <li
                key={name}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(name);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <span className="mono">{name}</span>
                {meta && <span className={`metric-type type-${meta.type}`}>{meta.type}</span>}
                {meta?.help && <span className="metric-help">{meta.help}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
