import type { IngestProgress, IngestStage } from '../pipeline/ingest.js';

const MB = 1024 * 1024;

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** One line: bar, messages, MB, rate and ETA. Pure, so it can be tested. */
export function renderProgress(p: IngestProgress, width = 24): string {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  const filled = Math.round(fraction * width);
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.committed / seconds : 0;
  const eta = fraction > 0 ? (p.elapsedMs / fraction) * (1 - fraction) : Number.NaN;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ` +
    `${p.committed.toLocaleString('en-US')} msgs  ${(p.bytesRead / MB).toFixed(1)}/${(p.totalBytes / MB).toFixed(1)} MB  ` +
    `${Math.round(rate).toLocaleString('en-US')} msg/s  ${STAGE_TEXT[p.stage] ?? `ETA ${duration(eta)}`}`
  );
}

const STAGE_TEXT: Partial<Record<IngestStage, string>> = {
  threading: 'threading…',
  statistics: 'updating search statistics…',
};

export type ProgressMode = 'bar' | 'json' | 'none';

/** A bar for work counted in items (verification, key fetches): done/total, rate, ETA. */
export function renderCountProgress(p: { done: number; total: number; elapsedMs: number }, unit: string, width = 24): string {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(fraction * width);
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const eta = fraction > 0 ? (p.elapsedMs / fraction) * (1 - fraction) : Number.NaN;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ` +
    `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} ${unit}  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${duration(eta)}`
  );
}

/**
 * A progress reporter for a stream: redraws at most every 100 ms on a terminal (at once when
 * `stageOf` changes, so a new stage is never skipped), JSON lines for scripts.
 */
export function progressReporter<T = IngestProgress>(
  mode: ProgressMode,
  out: NodeJS.WriteStream,
  render: (p: T) => string = renderProgress as unknown as (p: T) => string,
  stageOf: (p: T) => unknown = () => null,
): { update: (p: T) => void; end: () => void } {
  let last = 0;
  let lastStage: unknown = null;
  let drawn = false;
  return {
    update(p) {
      if (mode === 'json') {
        out.write(`${JSON.stringify({ progress: p })}\n`);
        return;
      }
      if (mode !== 'bar') return;
      const now = Date.now();
      const stage = stageOf(p);
      if (now - last < 100 && stage === lastStage) return;
      last = now;
      lastStage = stage;
      out.write(`\r${render(p)}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\r\x1b[K');
    },
  };
}

/** --progress auto: a bar on a terminal unless the output is JSON; nothing otherwise. */
export function chooseProgressMode(flag: string | undefined, json: boolean): ProgressMode {
  if (flag === 'json' || flag === 'none' || flag === 'bar') return flag;
  return process.stderr.isTTY && !json ? 'bar' : 'none';
}
