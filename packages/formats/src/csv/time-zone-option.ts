import { z } from 'zod';
import { assertTimeZone } from '@cdrflow/time';

/** An IANA zone name, checked against the runtime's zone database when options are parsed. */
export const timeZoneOption = z.string().refine(
  (zone) => {
    try {
      assertTimeZone(zone);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/London or UTC' },
);
