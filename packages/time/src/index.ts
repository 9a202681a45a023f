export {
  UnknownTimeZoneError,
  assertTimeZone,
  isAmbiguous,
  utcToWallClock,
  wallClockToUtc,
  zoneOffsetMs,
} from './local-time';
export type { Disambiguation, WallClock } from './local-time';
