export {
  WAIT_BUCKET_BOUNDS_SECONDS,
  WAIT_BUCKET_COUNT,
  countWithin,
  formatWaitPercentile,
  isWaitBucketBound,
  waitBucketIndex,
  waitPercentile,
} from './wait-buckets';
export type { WaitPercentile } from './wait-buckets';
export {
  CALL_ACCUMULATOR_COLUMNS,
  CALL_ACCUMULATOR_HISTOGRAM_FIELDS,
  CALL_ACCUMULATOR_SCALAR_FIELDS,
  CALL_ACCUMULATOR_SUM_FIELDS,
  STORED_CALL_ACCUMULATOR_COLUMNS,
  SURVEY_ACCUMULATOR_COLUMNS,
} from './accumulator-columns';
export type {
  AccumulatorColumn,
  AccumulatorColumnType,
  AccumulatorOf,
  CallAccumulatorField,
  CallAccumulatorHistogramField,
  CallAccumulatorScalarField,
  CallAccumulatorSumField,
  StoredCallAccumulatorField,
} from './accumulator-columns';
export {
  addCall,
  callContribution,
  emptyCallAccumulator,
  isEmptyAccumulator,
  mergeCallAccumulators,
} from './call-accumulator';
export type { CallAccumulator, CallFacts } from './call-accumulator';
export {
  addSurvey,
  emptySurveyAccumulator,
  isEmptySurveyAccumulator,
  mergeSurveyAccumulators,
  surveyContribution,
} from './survey-accumulator';
export type { SurveyAccumulator, SurveyFacts } from './survey-accumulator';
export { CalendarInvalidError, CalendarSchema, DEFAULT_CALENDAR, resolveCalendar } from './calendar';
export type { Calendar, CalendarInput } from './calendar';
export {
  CALENDAR_PERIOD_KINDS,
  PeriodInvalidError,
  parsePeriodKey,
  periodContaining,
  periodRange,
  previousPeriod,
  samePeriodLastYear,
} from './period';
export type { CalendarPeriodKind, Period, PeriodKind } from './period';
export { INTERVAL_MS, IntervalMisalignedError, intervalStart, rollUp, rollUpSurveys } from './interval';
export type { IntervalRow } from './interval';
export {
  ABANDON_EXIT_OUTCOMES,
  DEFAULT_KPI_SETTINGS,
  KpiSettingsInvalidError,
  KpiSettingsSchema,
  resolveKpiSettings,
} from './settings';
export type {
  AbandonExitOutcome,
  CountingView,
  KpiSettings,
  KpiSettingsInput,
  TargetableKpiId,
  WaitBasis,
} from './settings';
export {
  COMMITTEE_KPI_IDS,
  DEFINITIONS_VERSION,
  KPI_CATALOGUE,
  describeDefinitions,
  formatTarget,
  kpiDefinition,
  kpiTitle,
  targetFor,
} from './catalogue';
export type { KpiDefinition, KpiDirection, KpiId, KpiSource, KpiUnit, Target } from './catalogue';
export { rag } from './rag';
export type { RagStatus } from './rag';
export { computeCallFigures, computeSurveyFigures, percentOf } from './figures';
export type { CallFigures, SurveyFigures } from './figures';
export { NO_DATA, formatCount, formatRatio } from './format';
export { buildCommitteeTable, kpiValue } from './committee-table';
export { commentary } from './commentary';
export { computeStaffingFigures, formatHours, formatPerStaffedHour } from './staffing';
export type { StaffingFigures, StaffingSums } from './staffing';
export { MEAN_OF_MONTHS_NOTE, QUARTER_AVERAGES, monthsOf, withMeanOfMonths } from './mean-of-months';
export type { QuarterAverage } from './mean-of-months';
export type {
  ColumnRole,
  CommitteeCell,
  CommitteeColumn,
  CommitteeRow,
  CommitteeTable,
  CommitteeTableInput,
  PeriodInput,
} from './committee-table';
export { ABANDON_WAIT_BANDS_SECONDS, abandonWaitBandLabels, abandonsByWaitBand, markRecovered } from './abandons';
export type { AbandonForRecovery, AnsweredForRecovery } from './abandons';
export { IntervalDeltas } from './interval-deltas';
export type { CallDimensions, IntervalDelta, StoredCall, StoredSurvey, SurveyDelta } from './interval-deltas';
export {
  OpeningHoursInvalidError,
  OpeningHoursSchema,
  describeOpeningSchedule,
  intervalOpenness,
  isOpenAt,
  resolveOpeningSchedule,
} from './opening-hours';
export type { IntervalOpenness, OpenSpan, OpeningHoursInput, OpeningSchedule } from './opening-hours';
export { computeAgentFigures, formatOccupancy } from './agent-figures';
export type {
  AgentCallSums,
  AgentFigures,
  AgentFiguresOptions,
  AgentQueueFigures,
  AgentRingSums,
  AgentTimeSums,
} from './agent-figures';
export { ErlangInputError, averageWaitSeconds, erlangB, erlangC, requiredAgents, serviceLevel } from './erlang-c';
export type { ErlangTarget } from './erlang-c';
export {
  hourOfWeek,
  requiredStaffByHour,
  requiredStaffByInterval,
  staffingAnswer,
  staffingTargets,
} from './required-staff';
export type {
  HourOfWeekCell,
  HourRequirement,
  IntervalQueueCalls,
  IntervalRequirement,
  IntervalStaffedTime,
  Shortfall,
  StaffingAnswer,
  StaffingTargets,
} from './required-staff';
