export { DEFAULT_ALERT_RULE_OPTIONS, callHandlingRules } from './alert-rules';
export { dashboardJson, grafanaDashboards, panelQueries } from './dashboards';
