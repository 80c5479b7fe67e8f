// Small helpers the benchmarks share: order statistics and one way of printing a figure.
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (values: number[]): number => percentile(values, 50);

export function report(what: string, figure: string): void {
  process.stdout.write(`${what}: ${figure}\n`);
}
