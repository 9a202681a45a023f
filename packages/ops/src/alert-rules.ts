import { stringify } from 'yaml';
import { kpiDefinition, targetFor, type KpiSettings } from '@cdrflow/kpi';

export interface AlertRuleOptions {
  /** Range of the rates the averages are taken over, e.g. `15m`. */
  window: string;
  /** How long the condition must hold before the alert fires. */
  for: string;
  /** Base of the runbook links. */
  runbookBase: string;
}

export const DEFAULT_ALERT_RULE_OPTIONS: AlertRuleOptions = {
  window: '15m',
  for: '15m',
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
  const net = (metric: string, retracted: string, selector: string, by: string) =>
    `(sum${by}(rate(${metric}${selector}[${w}])) - sum${by}(rate(${retracted}${selector}[${w}])))`;
  const avgWait = (channel: string, by: string) =>
    `${net('cdrflow_calls_wait_seconds_sum', 'cdrflow_calls_wait_seconds_retracted_sum', `{channel="${channel}"}`, by)}\n` +
    `  / ${net('cdrflow_calls_wait_seconds_count', 'cdrflow_calls_wait_seconds_retracted_count', `{channel="${channel}"}`, by)}`;
  const abandonRate = (by: string) =>
    `${net('cdrflow_calls_abandoned_total', 'cdrflow_calls_abandoned_retracted_total', '{channel="phone"}', by)}\n` +
    `  / ${net('cdrflow_calls_offered_total', 'cdrflow_calls_offered_retracted_total', '{channel="phone"}', by)}`;
  const byQueue = ' by (queue, service) ';
  const rule = (
    alert: string,
    expr: string,
    severity: string,
    kpi: 'CSU10' | 'CSU11' | 'CSU12',
    summary: string,
    description: string,
    runbook: string,
  ): Rule => ({
    alert,
    expr,
    for: options.for,
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
  const header =
    '# Generated by `cdrflow alert-rules` from the KPI catalogue (packages/kpi/src/catalogue.ts).\n' +
    '# Do not edit: change the catalogue or kpi.targets, then regenerate:\n' +
    '#   npx cdrflow alert-rules > infra/prometheus/rules/call-handling.yml\n';
  return header + stringify({ groups: [{ name: 'cdrflow-call-handling', rules }] }, { lineWidth: 0 });
}
