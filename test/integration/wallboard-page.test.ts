import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, periodContaining } from '@cdrflow/kpi';
import { launchChromium } from '../support/chromium';
import { LiveQueueLog, nowSeconds } from '../support/live-queue-log';
import { startCdrflow, waitUntil, type RunningProcess, killLeftoverServices } from '../support/services';
import { tempDir } from '../support/temp-dir';

/**
 * The wallboard page end to end on the embedded default: `cdrflow run
 * --watch --wallboard-port 0` follows a live queue_log the test appends to,
 * and headless Chromium shows what a wall screen would. The waits are set by
 * the log lines' own timestamps (a caller who entered 400 s ago has waited
 * 400 s, over the 300 s CSU10 target), so nothing depends on how fast this
 * machine is. Leaves a screenshot in a temp folder (its path is logged) for
 * docs/images/wallboard.png.
 */
const TIMEOUT = { timeoutMs: 60_000 };

describe('the wallboard page, served by cdrflow run --watch', () => {
  let dir: string;
  let run: RunningProcess;
  let browser: Browser;
  let page: Page;
  let queueLog: LiveQueueLog;
  const card = (queue: string) => page.locator(`section.queue[data-queue="${queue}"]`);
  /** The figure under a tile's label in a queue's card. */
  const figure = (queue: string, label: string) =>
    card(queue)
      .locator('.tile', { has: page.locator('.label', { hasText: new RegExp(`^${label}`) }) })
      .locator('.big, .mid');
  const verdict = (queue: string) => card(queue).locator('.verdict');
  const text = async (locator: ReturnType<typeof figure>) =>
    (await locator.count()) === 0 ? null : locator.innerText();

  beforeAll(async () => {
    dir = tempDir('wallboard-page');
    mkdirSync(join(dir, 'inbox'));
    queueLog = new LiveQueueLog(join(dir, 'queue_log'));
    writeFileSync(
      join(dir, 'cdrflow.yaml'),
      [
        'dataDir: data',
        'aggregator: { flushIntervalMs: 200 }',
        'sources:',
        '  - name: pbx',
        '    format: queue_log',
        '    inbox: inbox',
        '    follow: { path: queue_log, pollIntervalMs: 200 }',
        '',
      ].join('\n'),
    );
    run = startCdrflow(
      ['--config', join(dir, 'cdrflow.yaml'), 'run', '--watch', '--interval', '1', '--wallboard-port', '0'],
      { CDRFLOW_CALLER_KEY: 'wallboard-test-key-0123456789' },
    );
    await waitUntil(() => /wallboard at (http:\S+)/.test(run.output()), 'the wallboard to listen', {
      ...TIMEOUT,
      context: run.output,
    });
    const url = /wallboard at (http:\S+)/.exec(run.output())![1]!.replace('0.0.0.0', '127.0.0.1');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(url);
  }, 120_000);

  // After hooks run last-declared first: whatever a failure left running goes after the clean stop below.
  afterAll(killLeftoverServices);
  afterAll(async () => {
    await browser?.close();
    run?.child.kill('SIGTERM');
    expect(await run?.exited, run?.output()).toBe(0);
  });

  it('says no queue is known before the first line, rather than showing zeros', async () => {
    await waitUntil(async () => (await page.locator('#empty').count()) === 1, 'the empty board', TIMEOUT);
    expect(await page.locator('#empty').innerText()).toBe(
      'No data yet: no queue has been seen in the followed queue_log.',
    );
  });

  it('shows a caller waiting over the target in colour and in words, then the answer', async () => {
    const t = nowSeconds();
    const enteredAt = t - 400;
    queueLog.append(
      [t - 600, 'NONE|sales|PJSIP/alice|ADDMEMBER|'],
      [t - 600, 'NONE|sales|PJSIP/bob|ADDMEMBER|'],
      [t - 600, 'NONE|sales|PJSIP/carol|ADDMEMBER|'],
      [t - 500, 'NONE|sales|PJSIP/carol|PAUSE|Training'],
      [t - 600, 'NONE|support|PJSIP/dave|ADDMEMBER|'],
      [enteredAt, 'c1|sales|NONE|ENTERQUEUE||07700900001|1'],
      [t - 30, 'c2|support|NONE|ENTERQUEUE||07700900002|1'],
    );
    await waitUntil(async () => (await text(figure('sales', 'Callers waiting'))) === '1', 'sales: 1 waiting', {
      ...TIMEOUT,
      context: run.output,
    });
    // 400 s and counting: 6 min 40 s or a second or two more by the time the page polled.
    expect(await verdict('sales').innerText()).toMatch(/^OVER TARGET: 6 min 4\d s \(target 5 min 0 s\)$/);
    expect(await verdict('sales').getAttribute('class')).toContain('bad');
    expect(await card('sales').getAttribute('class')).toContain('breach');
    expect(await text(figure('sales', 'Longest wait'))).toMatch(/^6 min 4\d s$/);
    expect(await text(figure('sales', 'Available'))).toBe('2');
    expect(await text(figure('sales', 'On a call'))).toBe('0');
    expect(await text(figure('sales', 'Paused'))).toBe('1');
    expect(await text(figure('support', 'Callers waiting'))).toBe('1');
    expect(await verdict('support').innerText()).toBe('Within target (5 min 0 s)');
    expect(await verdict('support').getAttribute('class')).toContain('ok');

    const answeredAt = nowSeconds();
    queueLog.append([answeredAt, `c1|sales|PJSIP/alice|CONNECT|${answeredAt - enteredAt}|c1.1|2`]);
    await waitUntil(async () => (await text(figure('sales', 'Callers waiting'))) === '0', 'sales: nobody waiting', {
      ...TIMEOUT,
      context: run.output,
    });
    expect(await verdict('sales').innerText()).toBe('Nobody waiting');
    expect(await card('sales').getAttribute('class')).not.toContain('breach');
    expect(await text(figure('sales', 'Longest wait'))).toBe('–');
    expect(await text(figure('sales', 'Available'))).toBe('1');
    expect(await text(figure('sales', 'On a call'))).toBe('1');
  });

  it('shows today’s figures from the store, "No data" where nothing arrived today', async () => {
    // c1 arrived 400 s ago: today's unless local midnight (Europe/London, the default zone) fell in between.
    const enteredMs = (nowSeconds() - 400) * 1000;
    const sameDay =
      periodContaining(enteredMs, 'day', DEFAULT_CALENDAR).key ===
      periodContaining(Date.now(), 'day', DEFAULT_CALENDAR).key;
    // By hand: one call offered and answered after ~400 s, over the 20 s service-level threshold: 0 %.
    const expected = sameDay ? ['1', '1', '0', '0 %'] : ['No data', 'No data', 'No data', 'No data'];
    let shown: Array<string | null> = [];
    const today = async () =>
      (shown = await Promise.all(
        ['Offered', 'Answered', 'Abandoned', 'Service level'].map((l) => text(figure('sales', l))),
      ));
    await waitUntil(async () => (await today()).join() === expected.join(), 'today’s figures for sales', {
      ...TIMEOUT,
      context: () => `${JSON.stringify(shown)}\n${run.output()}`,
    });
    expect(shown).toEqual(expected);
  });

  it('leaves a screenshot of a breach beside today’s figures', async () => {
    const t = nowSeconds();
    queueLog.append([t - 372, 'c3|sales|NONE|ENTERQUEUE||07700900003|1']);
    await waitUntil(
      async () => (await verdict('sales').innerText()).startsWith('OVER TARGET: 6 min'),
      'the breach',
      TIMEOUT,
    );
    const out = join(tempDir('wallboard-screenshot'), 'wallboard.png');
    await page.screenshot({ path: out });
    console.log(`wallboard screenshot: ${out}`);
    expect(statSync(out).size).toBeGreaterThan(10_000);
  });
});
