// A tiny SVG line of recent values (kept by the page from the SSE metrics events).
export function Sparkline(props: { values: readonly number[]; width?: number; height?: number; label?: string }) {
  const width = props.width ?? 96;
  const height = props.height ?? 24;
  const values = props.values;
  if (values.length < 2) return <svg class="spark" width={width} height={height} aria-hidden="true" />;
  const max = Math.max(...values, 1e-9);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4) * 0.8).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label ?? 'recent values'}>
      <polyline points={`0,${height} ${points} ${width},${height}`} class="spark-area" />
      <polyline points={points} class="spark-line" />
    </svg>
  );
}
