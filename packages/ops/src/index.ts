export { DEFAULT_ALERT_RULE_OPTIONS, callHandlingRules } from './alert-rules';
export { dashboardJson, grafanaDashboards, panelQueries } from './dashboards';
export { CALL_METRIC_LABELS, METRICS, metricFamilies, seriesNames } from './metric-names';
export type { MetricDefinition, MetricKey, MetricType, NetCounterDefinition } from './metric-names';
