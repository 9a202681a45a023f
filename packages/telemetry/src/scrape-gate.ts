import { Counter, type CounterConfiguration, type LabelValues, type Registry } from 'prom-client';

/** A labelled counter whose new label sets are shown at 0 for one scrape before they count. */
export interface GatedCounter<L extends string> {
  inc(labels: LabelValues<L>, value: number): void;
}

/**
 * rate() and increase() need a sample before a rise to see it: a label set
 * whose first scraped sample already holds a count hides that count from
 * every alert and panel (a new queue's first 12 calls, a new reject reason's
 * whole burst). Counters made here show each new label set at 0 in one
 * scrape and add what it counted from the next, so Prometheus always has
 * the zero to start from. Label sets already seen count at once. With two
 * Prometheus servers scraping one target, only the first to scrape is sure
 * to see the zero.
 */
export class ScrapeGate {
  private readonly seen = new Set<string>();
  private held: Array<{ key: string; apply: () => void }> = [];

  constructor(private readonly registry: Registry) {}

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): GatedCounter<L> {
    const counter = new Counter<L>({ ...config, registers: [this.registry] });
    const labelNames = [...(config.labelNames ?? [])].sort();
    return {
      inc: (labels, value) => {
        const key = `${config.name}\u0000${labelNames.map((n) => String(labels[n] ?? '')).join('\u0000')}`;
        if (this.seen.has(key)) {
          counter.inc(labels, value);
          return;
        }
        counter.inc(labels, 0);
        this.held.push({ key, apply: () => counter.inc(labels, value) });
      },
    };
  }

  /** The registry in Prometheus's text format; then releases the counts of label sets this scrape showed at 0. */
  async render(): Promise<string> {
    // Only series created before this scrape began are sure to be in it; later ones wait for the next.
    const due = this.held;
    this.held = [];
    const text = await this.registry.metrics();
    for (const { key, apply } of due) {
      this.seen.add(key);
      apply();
    }
    return text;
  }
}
