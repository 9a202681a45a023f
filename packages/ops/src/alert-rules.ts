import { stringify } from 'yaml';
import { kpiDefinition, targetFor, type KpiSettings } from '@cdrflow/kpi';
import { METRICS, type NetCounterDefinition } from './metric-names';

export interface AlertRuleOptions {
  /** Range of the rates the averages are taken over, e.g. `15m`. */
  window: string;
  /** How long the condition must hold before the alert fires. */
  for: string;
  /** Base of the runbook links. */
  runbookBase: string;
  /** Callers waiting and no answer in the queue for this long: `CallersWaitingNoAnswer`. */
  noAnswerMinutes: number;
  /** A followed queue_log with callers waiting and no new line for this long is stalled. */
  feedQuietMinutes: number;
  /** A follower with no successful poll for this long is stalled. */
  feedPollStuckSeconds: number;
  /** How long the live conditions other than a caller's wait must hold before they fire. */
  liveFor: string;
}

export const DEFAULT_ALERT_RULE_OPTIONS: AlertRuleOptions = {
  window: '15m',
  for: '15m',
  noAnswerMinutes: 10,
  feedQuietMinutes: 15,
  feedPollStuckSeconds: 120,
  liveFor: '1m',
  runbookBase: 'https://github.com/cdrflow/cdrflow/blob/main/docs/runbooks',
};

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function threshold(id: 'CSU10' | 'CSU11' | 'CSU12', settings: KpiSettings): number {
  const target = targetFor(id, settings);
  if (target === null || target.op !== '<=') {
    throw new Error(`${id} needs an upper-bound target to alert on, got ${JSON.stringify(target)}`);
  }
  return target.value;
}

/**
 * The call-handling alert rules, generated from the KPI catalogue so the
 * thresholds Prometheus alerts on are the targets the committee table uses
 * (infra/prometheus/rules/call-handling.yml is this output; a test keeps
 * them equal). Averages are rate(sum)/rate(count) over the window, so they
 * are call-weighted, and a window with no calls gives no value, hence no alert.
 */
export function callHandlingRules(
  settings: KpiSettings,
  options: AlertRuleOptions = DEFAULT_ALERT_RULE_OPTIONS,
): string {
  const w = options.window;
  const waitTarget = threshold('CSU10', settings);
  const abandonTarget = threshold('CSU11', settings);
  const faceTarget = threshold('CSU12', settings);
  // Each counter has a `…_retracted` twin counting corrections that took
  // contacts back (decisions §18); the net figure is the difference.
  const net = (metric: NetCounterDefinition, selector: string, by: string) =>
    `(sum${by}(rate(${metric.name}${selector}[${w}])) - sum${by}(rate(${metric.retracted.name}${selector}[${w}])))`;
  const avgWait = (channel: string, by: string) =>
    `${net(METRICS.callsWaitSecondsSum, `{channel="${channel}"}`, by)}\n` +
    `  / ${net(METRICS.callsWaitSecondsCount, `{channel="${channel}"}`, by)}`;
  const abandonRate = (by: string) =>
    `${net(METRICS.callsAbandoned, '{channel="phone"}', by)}\n` +
    `  / ${net(METRICS.callsOffered, '{channel="phone"}', by)}`;
  const byQueue = ' by (queue, service) ';
  const rule = (
    alert: string,
    expr: string,
    severity: string,
    kpi: 'CSU10' | 'CSU11' | 'CSU12',
    summary: string,
    description: string,
    runbook: string,
    holdFor: string = options.for,
  ): Rule => ({
    alert,
    expr,
    for: holdFor,
    labels: { severity, kpi },
    annotations: {
      summary,
      description: `${description} (${kpiDefinition(kpi).title}; target from the KPI catalogue.)`,
      runbook_url: `${options.runbookBase}/${runbook}`,
    },
  });
  const rules: Rule[] = [
    rule(
      'CallWaitAboveTargetByQueue',
      `${avgWait('phone', byQueue)}\n  > ${waitTarget}`,
      'page',
      'CSU10',
      'Average wait in {{ $labels.queue }} is {{ printf "%.1f" $value }} s (target ≤ ' + waitTarget + ' s)',
      `Answered calls in queue {{ $labels.queue }} ({{ $labels.service }}) waited on average more than ${waitTarget} s over the last ${w}`,
      'call-wait.md',
    ),
    rule(
      'CallWaitAboveTarget',
      `${avgWait('phone', ' ')}\n  > ${waitTarget}`,
      'page',
      'CSU10',
      'Average wait across all queues is {{ printf "%.1f" $value }} s (target ≤ ' + waitTarget + ' s)',
      `Answered calls across all queues waited on average more than ${waitTarget} s over the last ${w}`,
      'call-wait.md',
    ),
    rule(
      'AbandonRateAboveTargetByQueue',
      `${abandonRate(byQueue)}\n  > ${abandonTarget / 100}`,
      'page',
      'CSU11',
      'Abandon rate in {{ $labels.queue }} is {{ $value | humanizePercentage }} (target ≤ ' + abandonTarget + ' %)',
      `More than ${abandonTarget} % of the calls offered to {{ $labels.queue }} were abandoned over the last ${w}`,
      'abandon-rate.md',
    ),
    rule(
      'AbandonRateAboveTarget',
      `${abandonRate(' ')}\n  > ${abandonTarget / 100}`,
      'page',
      'CSU11',
      'Abandon rate across all queues is {{ $value | humanizePercentage }} (target ≤ ' + abandonTarget + ' %)',
      `More than ${abandonTarget} % of the calls offered across all queues were abandoned over the last ${w}`,
      'abandon-rate.md',
    ),
    rule(
      'FaceToFaceWaitAboveTarget',
      `${avgWait('face_to_face', ' ')}\n  > ${faceTarget}`,
      'ticket',
      'CSU12',
      'Average face-to-face wait is {{ printf "%.1f" $value }} s (target ≤ ' + faceTarget + ' s)',
      `Visitors served over the last ${w} waited on average more than ${faceTarget} s`,
      'face-to-face-wait.md',
    ),
  ];
  const live = METRICS;
  const noAnswerSeconds = options.noAnswerMinutes * 60;
  const liveRules: Rule[] = [
    // A caller's age only grows while it waits, so the threshold itself is the duration: no `for`, and
    // exactly the target does not fire (strictly longer, like the averages).
    rule(
      'CallerWaitingAboveTarget',
      `time() - min by (queue, service) (${live.queueOldestWaitingSince.name})
  > ${waitTarget}`,
      'page',
      'CSU10',
      'A caller in {{ $labels.queue }} has been waiting {{ humanizeDuration $value }} (target ≤ ' + waitTarget + ' s)',
      `The longest-waiting caller in queue {{ $labels.queue }} ({{ $labels.service }}) has waited more than ${waitTarget} s and is still waiting, answered calls or not`,
      'live-queues.md#callerwaitingabovetarget',
      '0s',
    ),
    rule(
      'CallersWaitingNoAnswer',
      `sum by (queue, service) (${live.queueCallersWaiting.name}) > 0
` +
        `unless on (queue, service)
` +
        `  time() - max by (queue, service) (${live.queueLastAnswered.name}) <= ${noAnswerSeconds}`,
      'page',
      'CSU10',
      '{{ $value }} caller(s) waiting in {{ $labels.queue }} and nobody answered there for ' +
        options.noAnswerMinutes +
        ' minutes',
      `Callers are waiting in queue {{ $labels.queue }} ({{ $labels.service }}) and no call there was answered in the last ${options.noAnswerMinutes} minutes (or none since the collector started)`,
      'live-queues.md#callerswaitingnoanswer',
      options.liveFor,
    ),
  ];
  const feedStalled: Rule = {
    alert: 'CdrflowFeedStalled',
    expr:
      `time() - max by (source) (${live.sourceLastPoll.name}) > ${options.feedPollStuckSeconds}
` +
      `or
` +
      `(time() - max by (source) (${live.sourceLastLine.name}) > ${options.feedQuietMinutes * 60}
` +
      `  and on (source) sum by (source) (${live.queueCallersWaiting.name}) > 0)`,
    for: options.liveFor,
    labels: { severity: 'page' },
    annotations: {
      summary: 'The live queue_log of {{ $labels.source }} is not being read: the live queue figures are stale',
      description:
        `The follower of {{ $labels.source }} has had no successful poll for ${options.feedPollStuckSeconds} s, ` +
        `or shows callers waiting while no new line arrived for ${options.feedQuietMinutes} minutes. ` +
        'Its queue gauges show the last state read, not the state now.',
      runbook_url: `${options.runbookBase}/live-queues.md#cdrflowfeedstalled`,
    },
  };
  const header =
    '# Generated by `cdrflow alert-rules` from the KPI catalogue (packages/kpi/src/catalogue.ts).\n' +
    '# Do not edit: change the catalogue or kpi.targets, then regenerate:\n' +
    '#   npx cdrflow alert-rules > infra/prometheus/rules/call-handling.yml\n';
  return (
    header +
    stringify(
      {
        groups: [
          { name: 'cdrflow-call-handling', rules },
          { name: 'cdrflow-live-queues', rules: [...liveRules, feedStalled] },
        ],
      },
      { lineWidth: 0 },
    )
  );
}
