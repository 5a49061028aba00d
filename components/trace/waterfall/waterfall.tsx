'use client';
// The virtualized waterfall: a fixed row height and a scroll container, rendering only the rows in
// view (plus a few above and below), so a 100,000-span trace scrolls like a 10-span one. Keyboard:
// ↑/↓ (j/k) move, → expands or steps in, ← collapses or steps out, Home/End, Enter opens details.
import { flushSync } from 'react-dom';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { childCount } from '@/lib/domain/span-tree';
import type { CriticalIndex, PreparedTrace } from '../explorer/prepared-trace';
import type { SpanLogMark } from '../explorer/span-logs';
import { TickLines, TimeRuler } from './time-ruler';
import type { TimeWindow } from './time-window';
import { ROW_HEIGHT, rowClick, WaterfallRow } from './waterfall-row';

const OVERSCAN = 8;

export interface WaterfallProps {
  trace: PreparedTrace;
  rows: Int32Array;
  window: TimeWindow;
  collapsed: ReadonlySet<number>;
  selected: number | undefined;
  matches: Uint8Array | undefined;
  critical: CriticalIndex | undefined;
  /** Log records by span node, drawn as markers on the bars. */
  logMarks?: ReadonlyMap<number, readonly SpanLogMark[]>;
  onToggle(node: number): void;
  onSelect(node: number | undefined): void;
  onOpenDetails(): void;
  onViewport?(first: number, last: number): void;
}

export interface WaterfallHandle {
  scrollToRow(index: number): void;
  element(): HTMLDivElement | null;
}

export const Waterfall = forwardRef<WaterfallHandle, WaterfallProps>(function Waterfall(props, ref) {
  const { trace, rows, window, collapsed, selected, matches, critical, logMarks, onToggle, onSelect, onOpenDetails, onViewport } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });
  // Rows may have been painted from the server's HTML before this island hydrated; `data-ready`
  // says it now answers clicks and keys (browser tests wait for it after a full page load).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  const measure = useCallback(() => {
    const element = scroller.current;
    if (element) setViewport({ top: element.scrollTop, height: element.clientHeight });
  }, []);
  // Scroll events arrive once per frame, before it is painted: rendering the new rows right there
  // (instead of in a later task) means no frame ever shows the scrolled-to place without its rows.
  const onScroll = useCallback(() => flushSync(measure), [measure]);
  useEffect(() => {
    measure();
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [measure]);

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  // The minimap's outline of the rows in view moves in steps of about a pixel of the minimap, so
  // scrolling a big trace does not re-render the explorer around the waterfall on every frame.
  const reported = useRef<[number, number]>([-1, -1]);
  useEffect(() => {
    const top = Math.floor(viewport.top / ROW_HEIGHT);
    const bottom = Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT);
    const grain = Math.max(1, Math.floor(rows.length / 256));
    if (Math.abs(top - reported.current[0]) < grain && Math.abs(bottom - reported.current[1]) < grain) return;
    reported.current = [top, bottom];
    onViewport?.(top, bottom);
  }, [viewport, rows, onViewport]);

  const scrollToRow = useCallback((index: number) => {
    const element = scroller.current;
    if (!element) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, []);
  useImperativeHandle(ref, () => ({ scrollToRow, element: () => scroller.current }), [scrollToRow]);

  const rowIndexOf = useCallback(
    (node: number | undefined) => {
      if (node === undefined) return -1;
      for (let i = 0; i < rows.length; i++) if (rows[i] === node) return i;
      return -1;
    },
    [rows],
  );

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const { tree } = trace;
    const index = rowIndexOf(selected);
    const go = (next: number) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, next));
      onSelect(rows[clamped]);
      scrollToRow(clamped);
      event.preventDefault();
    };
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        return go(index + 1);
      case 'ArrowUp':
      case 'k':
        return go(index < 0 ? 0 : index - 1);
      case 'PageDown':
        return go(index + Math.floor(viewport.height / ROW_HEIGHT));
      case 'PageUp':
        return go(index - Math.floor(viewport.height / ROW_HEIGHT));
      case 'Home':
        return go(0);
      case 'End':
        return go(rows.length - 1);
      case 'ArrowRight':
        if (selected === undefined) return go(0);
        if (childCount(tree, selected) > 0 && collapsed.has(selected)) {
          onToggle(selected);
          event.preventDefault();
        } else if (childCount(tree, selected) > 0) go(index + 1);
        return;
      case 'ArrowLeft':
        if (selected === undefined) return;
        if (childCount(tree, selected) > 0 && !collapsed.has(selected)) {
          onToggle(selected);
          event.preventDefault();
        } else if (tree.parent[selected]! >= 0) go(rowIndexOf(tree.parent[selected]!));
        return;
      case 'Enter':
        onOpenDetails();
        event.preventDefault();
        return;
      case 'Escape':
        onSelect(undefined);
        return;
    }
  }

  function onCanvasClick(event: MouseEvent<HTMLDivElement>) {
    const hit = rowClick(event.target);
    if (!hit) return;
    if (hit.toggle) onToggle(hit.node);
    else onSelect(hit.node);
  }

  const visible = [];
  for (let i = first; i < last; i++) {
    const node = rows[i]!;
    visible.push(
      <WaterfallRow
        key={node}
        trace={trace}
        node={node}
        index={i}
        window={window}
        collapsed={collapsed.has(node)}
        selected={node === selected}
        match={!!matches?.[node]}
        critical={critical?.sectionsOf.get(node)}
        logs={logMarks?.get(node)}
      />,
    );
  }
  return (
    <div className="wf">
      <div className="wf-head">
        <div className="wf-head-label">
          Service · operation <span className="muted">({rows.length.toLocaleString('en-US')} rows)</span>
        </div>
        <TimeRuler window={window} />
      </div>
      <div
        ref={scroller}
        className="wf-scroller"
        tabIndex={0}
        role="grid"
        aria-label="Spans"
        aria-rowcount={rows.length}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-testid="waterfall"
        data-ready={ready ? '' : undefined}
      >
        <div className="wf-canvas" style={{ height: rows.length * ROW_HEIGHT }} onClick={onCanvasClick}>
          <TickLines window={window} />
          {visible}
        </div>
      </div>
    </div>
  );
});
