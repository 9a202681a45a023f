import { describe, expect, it } from 'vitest';
import { QUEUE_LOG_EVENTS, readEventData, type QueueLogEventData } from '../src/queue-log/queue-log-grammar';

/**
 * Every `ast_queue_log(` call Asterisk makes, with its format string and the
 * kind of event the grammar must read it as. The data of each call is built
 * from its format with sample arguments (below), the way Asterisk's printf
 * would, and read back through `readEventData`: an event that is unknown, or
 * whose layout the grammar refuses, fails here.
 *
 * Source of the list:
 * - `apps/app_queue.c` of asterisk/asterisk at commit
 *   00090d3ebc55107e1e77a6601deecff34621b67a (a 13-series file: stasis bridges,
 *   ATTENDEDTRANSFER/BLINDTRANSFER, PENALTY and RINGINUSE), read from the
 *   realtime member handling to the CLI; the calls appear below in file order;
 * - the calls that revision no longer (or does not yet) make, from the
 *   releases that make them: TRANSFER (1.8–11, `exten|context|hold|talk|pos`),
 *   AGENTCALLBACKLOGIN/LOGOFF (1.4–1.8 chan_agent), WITHDRAW and RINGCANCELED
 *   (16+), and `main/logger.c` (QUEUESTART at start-up, CONFIGRELOAD on reload).
 * The QueueLog() application, the manager's QueueLog action and a site's
 * dial plan write event names of their own: those are the markers and
 * `customEvents` (docs/formats.md), not listed here.
 */
interface CallSite {
  where: string;
  event: string;
  format: string;
  args: readonly (string | number)[];
  kind: QueueLogEventData['kind'];
}

const PINNED: readonly CallSite[] = [
  { where: 'rt_handle_member_record', event: 'ADDMEMBER', format: '%s', args: ['PAUSED'], kind: 'agent' },
  { where: 'rt_handle_member_record', event: 'ADDMEMBER', format: '%s', args: [''], kind: 'agent' },
  { where: 'find_queue_by_name_rt', event: 'REMOVEMEMBER', format: '%s', args: [''], kind: 'agent' },
  { where: 'update_realtime_members', event: 'REMOVEMEMBER', format: '%s', args: [''], kind: 'agent' },
  { where: 'rna', event: 'RINGNOANSWER', format: '%d', args: [15000], kind: 'ring' },
  { where: 'wait_our_turn', event: 'EXITEMPTY', format: '%d|%d|%ld', args: [2, 3, 41], kind: 'exit' },
  { where: 'queue_agent_cb', event: 'AGENTLOGIN', format: '%s', args: ['PJSIP/201-00000a1'], kind: 'agent' },
  {
    where: 'queue_agent_cb',
    event: 'AGENTLOGOFF',
    format: '%s|%ld',
    args: ['PJSIP/201-00000a1', 3600],
    kind: 'agent',
  },
  {
    where: 'log_attended_transfer (bridge merge)',
    event: 'ATTENDEDTRANSFER',
    format: '%s|%ld|%ld|%d',
    args: ['BRIDGE|5f2c11aa-0d6e', 12, 180, 1],
    kind: 'complete',
  },
  {
    where: 'log_attended_transfer (app)',
    event: 'ATTENDEDTRANSFER',
    format: '%s|%ld|%ld|%d',
    args: ['APP|VoiceMail', 12, 180, 1],
    kind: 'complete',
  },
  {
    where: 'log_attended_transfer (link)',
    event: 'ATTENDEDTRANSFER',
    format: '%s|%ld|%ld|%d',
    args: ['LINK|Local/2000@from-internal-0001;1|PJSIP/305-0002', 12, 180, 1],
    kind: 'complete',
  },
  {
    where: 'handle_blind_transfer',
    event: 'BLINDTRANSFER',
    format: '%s|%s|%ld|%ld|%d',
    args: ['2000', 'from-internal', 15, 90, 2],
    kind: 'complete',
  },
  { where: 'handle_hangup', event: 'COMPLETECALLER', format: '%ld|%ld|%d', args: [20, 120, 1], kind: 'complete' },
  { where: 'handle_hangup', event: 'COMPLETEAGENT', format: '%ld|%ld|%d', args: [20, 120, 1], kind: 'complete' },
  { where: 'try_calling (agent hung up first)', event: 'AGENTDUMP', format: '%s', args: [''], kind: 'ignored' },
  { where: 'try_calling (caller hung up)', event: 'ABANDON', format: '%d|%d|%ld', args: [1, 2, 33], kind: 'exit' },
  { where: 'try_calling (make_compatible)', event: 'SYSCOMPAT', format: '%s', args: [''], kind: 'exit' },
  {
    where: 'try_calling',
    event: 'CONNECT',
    format: '%ld|%s|%ld',
    args: [25, '1700000015.22', 4],
    kind: 'connect',
  },
  { where: 'set_queue_member_pause', event: 'PAUSE', format: '%s', args: ['Lunch'], kind: 'agent' },
  { where: 'set_queue_member_pause', event: 'PAUSE', format: '%s', args: [''], kind: 'agent' },
  { where: 'set_queue_member_pause', event: 'UNPAUSE', format: '%s', args: [''], kind: 'agent' },
  { where: 'set_member_paused', event: 'PAUSEALL', format: '%s', args: [''], kind: 'agent' },
  { where: 'set_member_paused', event: 'UNPAUSEALL', format: '%s', args: [''], kind: 'agent' },
  { where: 'set_member_penalty_help_members', event: 'PENALTY', format: '%d', args: [3], kind: 'ignored' },
  { where: 'set_queue_member_ringinuse', event: 'RINGINUSE', format: '%d', args: [0], kind: 'ignored' },
  { where: 'rqm_exec', event: 'REMOVEMEMBER', format: '%s', args: [''], kind: 'agent' },
  { where: 'aqm_exec', event: 'ADDMEMBER', format: '%s', args: [''], kind: 'agent' },
  {
    where: 'queue_exec',
    event: 'ENTERQUEUE',
    format: '%s|%s|%d',
    args: ['', '07700900123', 1],
    kind: 'enter',
  },
  { where: 'queue_exec', event: 'EXITWITHTIMEOUT', format: '%d|%d|%ld', args: [1, 1, 300], kind: 'exit' },
  { where: 'queue_exec', event: 'EXITEMPTY', format: '%d|%d|%ld', args: [1, 1, 5], kind: 'exit' },
  { where: 'queue_exec', event: 'ABANDON', format: '%d|%d|%ld', args: [3, 4, 61], kind: 'exit' },
  { where: 'queue_exec', event: 'EXITWITHKEY', format: '%s|%d|%d|%ld', args: ['5', 2, 1, 30], kind: 'exit' },
  { where: 'manager_add_queue_member', event: 'ADDMEMBER', format: '%s', args: ['PAUSED'], kind: 'agent' },
  { where: 'manager_remove_queue_member', event: 'REMOVEMEMBER', format: '%s', args: [''], kind: 'agent' },
  { where: 'handle_queue_add_member (CLI)', event: 'ADDMEMBER', format: '%s', args: [''], kind: 'agent' },
  { where: 'handle_queue_remove_member (CLI)', event: 'REMOVEMEMBER', format: '%s', args: [''], kind: 'agent' },
];

const OTHER_RELEASES: readonly CallSite[] = [
  {
    where: '1.8–11 app_queue.c, transfer',
    event: 'TRANSFER',
    format: '%s|%s|%ld|%ld|%d',
    args: ['2000', 'from-internal', 15, 90, 2],
    kind: 'complete',
  },
  {
    where: '1.4 app_queue.c, transfer',
    event: 'TRANSFER',
    format: '%s|%s|%ld|%ld',
    args: ['2000', 'from-internal', 15, 90],
    kind: 'complete',
  },
  { where: '1.4 app_queue.c', event: 'ENTERQUEUE', format: '%s|%s', args: ['', '07700900123'], kind: 'enter' },
  { where: '1.4 app_queue.c', event: 'CONNECT', format: '%ld|%s', args: [25, '1700000015.22'], kind: 'connect' },
  { where: '1.4 app_queue.c', event: 'EXITWITHTIMEOUT', format: '%d', args: [2], kind: 'exit' },
  { where: '1.4 app_queue.c', event: 'EXITWITHKEY', format: '%s|%d', args: ['5', 2], kind: 'exit' },
  { where: '1.4–1.8 chan_agent.c', event: 'AGENTCALLBACKLOGIN', format: '%s', args: ['1001@agents'], kind: 'agent' },
  {
    where: '1.4–1.8 chan_agent.c',
    event: 'AGENTCALLBACKLOGOFF',
    format: '%s|%ld|%s',
    args: ['1001@agents', 3600, 'Autologoff'],
    kind: 'agent',
  },
  {
    where: '16+ app_queue.c, Withdraw action',
    event: 'WITHDRAW',
    format: '%d|%d|%ld|%.40s',
    args: [1, 1, 30, 'moved to callback'],
    kind: 'exit',
  },
  { where: '16+ app_queue.c', event: 'RINGCANCELED', format: '%d', args: [4200], kind: 'ring' },
  { where: 'main/logger.c start-up', event: 'QUEUESTART', format: '%s', args: [''], kind: 'ignored' },
  { where: 'main/logger.c reload', event: 'CONFIGRELOAD', format: '%s', args: [''], kind: 'ignored' },
];

/** Asterisk's printf for the conversions its queue_log calls use: %s, %d, %ld, %.40s. */
function printf(format: string, args: readonly (string | number)[]): string {
  let next = 0;
  return format.replace(/%(?:\.(\d+))?(l?d|s)/g, (_, precision: string | undefined) => {
    const value = String(args[next++] ?? '');
    return precision === undefined ? value : value.slice(0, Number(precision));
  });
}

describe('every queue_log event Asterisk writes is understood', () => {
  for (const site of [...PINNED, ...OTHER_RELEASES]) {
    const data = printf(site.format, site.args);
    it(`${site.event} from ${site.where}: "${data}" reads as ${site.kind}`, () => {
      expect(QUEUE_LOG_EVENTS).toContain(site.event);
      const read = readEventData(site.event, data === '' ? [] : data.split('|'));
      expect(read).not.toBeUndefined();
      expect(read).not.toHaveProperty('error');
      expect(read).toHaveProperty('kind', site.kind);
    });
  }

  it('SYSCOMPAT closes the stint as `other`, its wait taken from the ENTERQUEUE', () => {
    // try_calling logs SYSCOMPAT, calls record_abandoned and returns -1: the caller is hung up
    // with no further event for the stint, after an agent answered but before any CONNECT.
    expect(readEventData('SYSCOMPAT', [])).toEqual({ kind: 'exit', outcome: 'other', waitSec: null, key: null });
  });

  it('answered closes are read from the end, so an extra leading field never loses the call', () => {
    const expected = { kind: 'complete', holdSec: 9, talkSec: 70 };
    expect(readEventData('BLINDTRANSFER', '2000|from-internal|extra|9|70|1'.split('|'))).toEqual(expected);
    expect(readEventData('TRANSFER', '2000|ctx|more|9|70|1'.split('|'))).toEqual(expected);
    expect(readEventData('COMPLETEAGENT', 'lead|9|70|1'.split('|'))).toEqual(expected);
    expect(readEventData('ATTENDEDTRANSFER', 'APP|Dial|a|b|9|70|1'.split('|'))).toEqual(expected);
  });

  it('refuses a malformed PENALTY or RINGINUSE rather than guessing', () => {
    expect(readEventData('PENALTY', ['high'])).toHaveProperty('error');
    expect(readEventData('RINGINUSE', ['yes'])).toHaveProperty('error');
  });

  it('lists each event name once', () => {
    expect(new Set(QUEUE_LOG_EVENTS).size).toBe(QUEUE_LOG_EVENTS.length);
    const named = new Set([...PINNED, ...OTHER_RELEASES].map((s) => s.event));
    // Every name the grammar knows is either written by Asterisk (above) or a dial-plan marker.
    expect(QUEUE_LOG_EVENTS.filter((e) => !named.has(e))).toEqual(['DID', 'INFO']);
  });
});
