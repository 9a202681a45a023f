/** Prometheus's HTTP API, as far as the end-to-end tests read it. */

export interface PromSample {
  metric: Record<string, string>;
  /** [unix seconds, value as text] */
  value: [number, string];
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
  /** When the condition started to hold (RFC 3339). */
  activeAt: string;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

async function api<T>(url: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${url}${path}?${new URLSearchParams(params).toString()}`);
  const body = (await response.json()) as ApiAnswer<T>;
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.errorType ?? ''} ${body.error ?? ''}`);
  }
  return body.data;
}

/** An instant vector query now; rejects with Prometheus's own message when the PromQL is invalid. */
export async function instantQuery(url: string, expr: string): Promise<PromSample[]> {
  const data = await api<{ resultType: string; result: PromSample[] | [number, string] }>(url, '/api/v1/query', {
    query: expr,
  });
  // A scalar answer (e.g. `time() - …` folded to one number) comes back as one [t, v] pair.
  return data.resultType === 'vector'
    ? (data.result as PromSample[])
    : [{ metric: {}, value: data.result as [number, string] }];
}

/** Alerts pending or firing now. */
export async function activeAlerts(url: string): Promise<PromAlert[]> {
  return (await api<{ alerts: PromAlert[] }>(url, '/api/v1/alerts')).alerts;
}

/** Scrape targets with their health. */
export async function targetHealth(url: string): Promise<Array<{ job: string; health: string; lastError: string }>> {
  const data = await api<{
    activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }>;
  }>(url, '/api/v1/targets');
  return data.activeTargets.map((t) => ({ job: t.labels['job'] ?? '', health: t.health, lastError: t.lastError }));
}

/** Waits until Prometheus has scraped `count` targets successfully. */
export async function waitForTargetsUp(
  url: string,
  count: number,
  options: { timeoutMs: number; context: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while ((await targetHealth(url)).filter((t) => t.health === 'up').length < count) {
    if (Date.now() > deadline) throw new Error(`Prometheus did not scrape ${count} targets\n${options.context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
