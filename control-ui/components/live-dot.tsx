// Whether the live feed (SSE) is connected.
import type { StreamState } from '../stream';

const TEXT: Record<StreamState, string> = { connecting: 'connecting', live: 'live', retrying: 'reconnecting', unavailable: 'no live feed' };

export function LiveDot({ state, paused }: { state: StreamState; paused?: boolean }) {
  const shown = paused ? 'paused' : TEXT[state];
  return (
    <span class={`live ${paused ? 'paused' : state}`} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {shown}
    </span>
  );
}
