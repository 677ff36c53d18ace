// The one shape every benchmark uses for its headline figures (the `summary` array of its
// bench/results/<name>.json), so bench/run.ts can print one table of every target, met or missed.
export interface SummaryRow {
  /** e.g. '8MiB', '120MB store', 'arity 8' */
  readonly case: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** e.g. '≥ 2×'; absent when the issue sets no target for this figure */
  readonly target?: string;
  readonly met?: boolean;
}

/** A ratio row against a minimum. */
export const atLeast = (c: string, metric: string, value: number, unit: string, min: number): SummaryRow => ({
  case: c,
  metric,
  value,
  unit,
  target: `≥ ${min}${unit === '×' ? '×' : ` ${unit}`}`,
  met: value >= min,
});
