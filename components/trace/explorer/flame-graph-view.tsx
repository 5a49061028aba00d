'use client';
// The flame graph of a trace: spans folded by call path (a loop of identical calls is one box
// "×N"), each box as wide as the time its spans took, drawn on a canvas so a trace of any size
// draws in one pass. Hover for the numbers, click a box to zoom into it, click the top bar to
// zoom out.
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { prepareCanvas } from '@/components/ui/canvas';
import { formatNanos, serviceColor } from '@/components/ui/format';
import { layoutFlameGraph, type FlameRect } from '@/lib/domain/flame-graph';
import { foldByPath } from '@/lib/domain/span-paths';
import type { PreparedTrace } from './prepared-trace';

const BOX = 22;

export function FlameGraphView({ trace }: { trace: PreparedTrace }) {
  const paths = useMemo(() => foldByPath(trace.model, trace.tree), [trace]);
  const [focus, setFocus] = useState<number | undefined>();
  const layout = useMemo(() => layoutFlameGraph(paths, focus), [paths, focus]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ rect: FlameRect; x: number; y: number } | undefined>();
  const height = (layout.maxDepth + 1) * BOX + 4;

  useEffect(() => {
    const prepared = canvas.current && prepareCanvas(canvas.current, height);
    if (!prepared) return;
    const { ctx, width } = prepared;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const rect of layout.rects) {
      const x = rect.x * width;
      const w = rect.width * width;
      if (w < 0.5) continue;
      const y = rect.depth * BOX;
      ctx.fillStyle = rect.service ? serviceColor(rect.service) : '#5c6372';
      ctx.globalAlpha = 0.85;
      ctx.fillRect(x, y, Math.max(w - 1, 0.5), BOX - 2);
      ctx.globalAlpha = 1;
      if (rect.errorCount > 0) {
        ctx.strokeStyle = '#ff7b7b';
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1, y + 1, Math.max(w - 3, 0), BOX - 4);
      }
      if (w > 40) {
        ctx.fillStyle = '#0b1220';
        const label = `${rect.operation}${rect.count > 1 ? ` ×${rect.count}` : ''}`;
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, w - 4, BOX);
        ctx.clip();
        ctx.fillText(label, x + 4, y + BOX / 2 - 1);
        ctx.restore();
      }
    }
  }, [layout, height]);

  const hit = (event: MouseEvent<HTMLCanvasElement>): FlameRect | undefined => {
    const bounds = event.currentTarget.getBoundingClientRect();
    const fx = (event.clientX - bounds.left) / bounds.width;
    const depth = Math.floor((event.clientY - bounds.top) / BOX);
    return layout.rects.find((rect) => rect.depth === depth && fx >= rect.x && fx < rect.x + rect.width);
  };

  return (
    <section className="flame" aria-label="Flame graph" data-testid="flame-graph">
      <p className="muted small">
        Spans folded by call path; width = time spent. Click a box to zoom in{focus !== undefined ? ', the top box to zoom out' : ''}.
        {focus !== undefined ? (
          <>
            {' '}
            <button type="button" className="button-small" onClick={() => setFocus(undefined)}>
              Whole trace
            </button>
          </>
        ) : null}
      </p>
      <div className="flame-area">
        <canvas
          ref={canvas}
          style={{ height, width: '100%' }}
          onMouseMove={(event) => {
            const rect = hit(event);
            const bounds = event.currentTarget.getBoundingClientRect();
            setHover(rect && { rect, x: event.clientX - bounds.left, y: event.clientY - bounds.top });
          }}
          onMouseLeave={() => setHover(undefined)}
          onClick={(event) => {
            const rect = hit(event);
            if (!rect) return;
            setFocus(rect.path === focus ? paths.nodes[rect.path]!.parent >= 0 ? paths.nodes[rect.path]!.parent : undefined : rect.path);
          }}
        />
        {hover ? (
          <div className="flame-tip" style={{ left: Math.min(hover.x + 12, 900), top: hover.y + 14 }}>
            <strong>{hover.rect.operation}</strong> <span className="muted">{hover.rect.service}</span>
            <br />
            {hover.rect.count} span{hover.rect.count === 1 ? '' : 's'} · total {formatNanos(hover.rect.totalNs)} · self {formatNanos(hover.rect.selfNs)}
            {hover.rect.errorCount > 0 ? <span className="error-text"> · {hover.rect.errorCount} errors</span> : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
