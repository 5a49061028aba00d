// A canvas sized to its CSS width and a given height at the screen's pixel ratio, cleared, with
// its context scaled so drawing code works in CSS pixels. For the minimap and the flame graph.
export function prepareCanvas(element: HTMLCanvasElement, height: number): { ctx: CanvasRenderingContext2D; width: number } | undefined {
  const width = element.clientWidth;
  const ratio = globalThis.devicePixelRatio || 1;
  element.width = width * ratio;
  element.height = height * ratio;
  const ctx = element.getContext('2d');
  if (!ctx) return undefined;
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width };
}
