'use client';
// The trace overview above the waterfall: every span drawn once on a canvas (rows compressed to its
// height), the zoomed time window and the rows in view outlined. Drag across it to zoom into a
// time window, double-click to show the whole trace, click to jump to that part of the tree.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { prepareCanvas } from '@/components/ui/canvas';
import { serviceColor } from '@/components/ui/format';
import { StatusCode } from '@/lib/domain/model';
import type { PreparedTrace } from '../explorer/prepared-trace';
import type { TimeWindow } from './time-window';

const HEIGHT = 64;

interface Props {
  trace: PreparedTrace;
  rows: Int32Array;
  window: TimeWindow;
  viewRows: [number, number];
  onWindow(window: TimeWindow): void;
  onJumpToRow(index: number): void;
}

export function Minimap({ trace, rows, window, viewRows, onWindow, onJumpToRow }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();

  useEffect(() => {
    const prepared = canvas.current && prepareCanvas(canvas.current, HEIGHT);
    if (!prepared) return;
    const { ctx, width } = prepared;
    const { model, tree, durationNs } = trace;
    const rowHeight = HEIGHT / Math.max(rows.length, 1);
    const colors = model.services.map(serviceColor);
    // Many rows share a pixel line in a big trace: draw at most a few spans per line and pixel.
    const step = Math.max(1, Math.floor(rows.length / (HEIGHT * 40)));
    for (let i = 0; i < rows.length; i += step) {
      const node = rows[i]!;
      const x = (tree.start[node]! / durationNs) * width;
      const w = Math.max(((tree.end[node]! - tree.start[node]!) / durationNs) * width, 1);
      const error = node < tree.spanCount && model.status[node] === StatusCode.ERROR;
      ctx.fillStyle = node < tree.spanCount ? (error ? '#ff7b7b' : colors[model.service[node]!]!) : '#5c6372';
      ctx.fillRect(x, i * rowHeight, w, Math.max(rowHeight, 1));
    }
  }, [trace, rows]);

  const toNs = (event: PointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return Math.max(0, Math.min(1, (event.clientX - rect.left) / rect.width)) * trace.durationNs;
  };
  const total = trace.durationNs;
  const shown = drag ? { start: Math.min(drag.from, drag.to), end: Math.max(drag.from, drag.to) } : window;
  const zoomed = window.start > 0 || window.end < total;
  return (
    <div className="minimap">
      <div
        className="minimap-area"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          const ns = toNs(event);
          setDrag({ from: ns, to: ns });
        }}
        onPointerMove={(event) => drag && setDrag({ ...drag, to: toNs(event) })}
        onPointerUp={(event) => {
          if (!drag) return;
          const a = Math.min(drag.from, drag.to);
          const b = Math.max(drag.from, drag.to);
          setDrag(undefined);
          if (b - a > total / 200) onWindow({ start: a, end: b });
          else {
            const rect = event.currentTarget.getBoundingClientRect();
            onJumpToRow(Math.floor(((event.clientY - rect.top) / rect.height) * rows.length));
          }
        }}
        onDoubleClick={() => onWindow({ start: 0, end: total })}
        title="Drag to zoom into a time window; double-click for the whole trace; click to jump there"
        data-testid="minimap"
      >
        <canvas ref={canvas} style={{ height: HEIGHT }} />
        <div className="minimap-rows" style={{ top: `${(viewRows[0] / Math.max(rows.length, 1)) * 100}%`, height: `${Math.max(((viewRows[1] - viewRows[0]) / Math.max(rows.length, 1)) * 100, 2)}%` }} />
        {zoomed || drag ? (
          <>
            <div className="minimap-shade" style={{ left: 0, width: `${(shown.start / total) * 100}%` }} />
            <div className="minimap-shade" style={{ left: `${(shown.end / total) * 100}%`, right: 0 }} />
            <div className="minimap-window" style={{ left: `${(shown.start / total) * 100}%`, width: `${((shown.end - shown.start) / total) * 100}%` }} />
          </>
        ) : null}
      </div>
      {zoomed ? (
        <button type="button" className="button-small" onClick={() => onWindow({ start: 0, end: total })}>
          Reset zoom
        </button>
      ) : null}
    </div>
  );
}
