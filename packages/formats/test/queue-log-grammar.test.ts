import { describe, expect, it } from 'vitest';
import { readFileLine } from '../src/queue-log/queue-log-event';
import { readEventData, readInt } from '../src/queue-log/queue-log-grammar';

const d = (s: string): string[] => s.split('|');

describe('queue_log event grammar (apps/app_queue.c layouts)', () => {
  it('reads ENTERQUEUE in its 1.4 (url|callerid), 3-field and 4-field forms', () => {
    expect(readEventData('ENTERQUEUE', d('|07700900123'))).toEqual({ kind: 'enter', callerId: '07700900123' });
    expect(readEventData('ENTERQUEUE', d('|07700900123|2'))).toEqual({ kind: 'enter', callerId: '07700900123' });
    expect(readEventData('ENTERQUEUE', d('http://crm|07700900123|2|Jo Bloggs'))).toEqual({
      kind: 'enter',
      callerId: '07700900123',
    });
    expect(readEventData('ENTERQUEUE', d('|07700900123|two'))).toEqual({
      error: 'ENTERQUEUE data must be url|callerid[|position[|callername]]; got "|07700900123|two"',
    });
    expect(readEventData('ENTERQUEUE', d('|0|1|x|y'))).toHaveProperty('error');
  });

  it('reads CONNECT holdtime|bridged uniqueid|ringtime, ringtime optional (1.4)', () => {
    expect(readEventData('CONNECT', d('20|1700000015.2|3'))).toEqual({ kind: 'connect', holdSec: 20 });
    expect(readEventData('CONNECT', d('20|1700000015.2'))).toEqual({ kind: 'connect', holdSec: 20 });
    expect(readEventData('CONNECT', d('x|1700000015.2|3'))).toHaveProperty('error');
    expect(readEventData('CONNECT', d('20|u|3|4'))).toHaveProperty('error');
  });

  it('reads COMPLETECALLER / COMPLETEAGENT holdtime|calltime|origposition', () => {
    expect(readEventData('COMPLETECALLER', d('20|120|1'))).toEqual({ kind: 'complete', holdSec: 20, talkSec: 120 });
    expect(readEventData('COMPLETEAGENT', d('7|60|3'))).toEqual({ kind: 'complete', holdSec: 7, talkSec: 60 });
    expect(readEventData('COMPLETEAGENT', d('7'))).toHaveProperty('error');
    expect(readEventData('COMPLETEAGENT', d('7|6x|3'))).toHaveProperty('error');
  });

  it('reads TRANSFER (≤ 11) with or without origposition, BLINDTRANSFER with it', () => {
    expect(readEventData('TRANSFER', d('2000|from-internal|15|90'))).toEqual({
      kind: 'complete',
      holdSec: 15,
      talkSec: 90,
    });
    expect(readEventData('TRANSFER', d('2000|from-internal|15|90|2'))).toEqual({
      kind: 'complete',
      holdSec: 15,
      talkSec: 90,
    });
    expect(readEventData('BLINDTRANSFER', d('2000|from-internal|15|90|2'))).toEqual({
      kind: 'complete',
      holdSec: 15,
      talkSec: 90,
    });
    expect(readEventData('BLINDTRANSFER', d('2000|from-internal|15|90'))).toHaveProperty('error');
  });

  it('reads ATTENDEDTRANSFER from the end, whatever its method: BRIDGE and APP have 5 fields, LINK 6', () => {
    const expected = { kind: 'complete', holdSec: 12, talkSec: 180 };
    expect(readEventData('ATTENDEDTRANSFER', d('BRIDGE|5f2c-11aa|12|180|1'))).toEqual(expected);
    expect(readEventData('ATTENDEDTRANSFER', d('APP|Voicemail|12|180|1'))).toEqual(expected);
    expect(readEventData('ATTENDEDTRANSFER', d('LINK|SIP/201-01|SIP/305-02|12|180|1'))).toEqual(expected);
    // The leading fields vary with how the transfer ended; the call is never lost for their shape.
    expect(readEventData('ATTENDEDTRANSFER', d('LINK|SIP/201-01|12|180|1'))).toEqual(expected);
    expect(readEventData('ATTENDEDTRANSFER', d('THREEWAY|x|12|180|1'))).toEqual(expected);
    expect(readEventData('ATTENDEDTRANSFER', d('12|180|1'))).toHaveProperty('error');
    expect(readEventData('ATTENDEDTRANSFER', d('BRIDGE|x|12|180|one'))).toHaveProperty('error');
  });

  it('reads ABANDON, EXITEMPTY, EXITWITHTIMEOUT position|origposition|waittime', () => {
    expect(readEventData('ABANDON', d('3|1|45'))).toEqual({
      kind: 'exit',
      outcome: 'abandoned',
      waitSec: 45,
      key: null,
    });
    expect(readEventData('EXITEMPTY', d('1|1|5'))).toEqual({
      kind: 'exit',
      outcome: 'exit_empty',
      waitSec: 5,
      key: null,
    });
    expect(readEventData('EXITWITHTIMEOUT', d('1|2|300'))).toEqual({
      kind: 'exit',
      outcome: 'timeout',
      waitSec: 300,
      key: null,
    });
    // 1.4 logged the position only: no wait figure.
    expect(readEventData('EXITWITHTIMEOUT', d('2'))).toEqual({
      kind: 'exit',
      outcome: 'timeout',
      waitSec: null,
      key: null,
    });
    expect(readEventData('ABANDON', d('3|1'))).toHaveProperty('error');
    expect(readEventData('EXITEMPTY', d('1|1|5s'))).toHaveProperty('error');
  });

  it('reads EXITWITHKEY key first: key|position|origposition|waittime, and the 1.4 key|position', () => {
    expect(readEventData('EXITWITHKEY', d('5|2|1|30'))).toEqual({
      kind: 'exit',
      outcome: 'exit_key',
      waitSec: 30,
      key: '5',
    });
    expect(readEventData('EXITWITHKEY', d('*|2'))).toEqual({
      kind: 'exit',
      outcome: 'exit_key',
      waitSec: null,
      key: '*',
    });
    expect(readEventData('EXITWITHKEY', d('|2|1|30'))).toHaveProperty('error');
    expect(readEventData('EXITWITHKEY', d('5|2|1'))).toHaveProperty('error');
  });

  it('reads WITHDRAW position|origposition|waittime|info, info free and optional', () => {
    const expected = { kind: 'exit', outcome: 'withdrawn', waitSec: 30, key: null };
    expect(readEventData('WITHDRAW', d('1|1|30|moved to callback'))).toEqual(expected);
    expect(readEventData('WITHDRAW', d('1|1|30|a|b'))).toEqual(expected);
    expect(readEventData('WITHDRAW', d('1|1|30|'))).toEqual(expected);
    expect(readEventData('WITHDRAW', d('1|x|30|info'))).toHaveProperty('error');
  });

  it('reads RINGNOANSWER and RINGCANCELED in milliseconds', () => {
    expect(readEventData('RINGNOANSWER', d('15000'))).toEqual({ kind: 'ring', ringMs: 15000 });
    expect(readEventData('RINGCANCELED', d('4200'))).toEqual({ kind: 'ring', ringMs: 4200 });
    expect(readEventData('RINGNOANSWER', d('15s'))).toEqual({
      error: 'RINGNOANSWER data must be ringtime in milliseconds; got "15s"',
    });
    expect(readEventData('RINGNOANSWER', d('-1'))).toHaveProperty('error');
  });

  it('checks and consumes agent and queue events; markers are known', () => {
    for (const event of [
      'AGENTLOGIN',
      'AGENTCALLBACKLOGIN',
      'ADDMEMBER',
      'REMOVEMEMBER',
      'PAUSE',
      'UNPAUSE',
      'PAUSEALL',
      'UNPAUSEALL',
    ]) {
      expect(readEventData(event, d('whatever'))).toEqual({ kind: 'agent' });
    }
    expect(readEventData('QUEUESTART', [])).toEqual({ kind: 'ignored' });
    expect(readEventData('CONFIGRELOAD', [])).toEqual({ kind: 'ignored' });
    expect(readEventData('AGENTLOGOFF', d('SIP/1001-00000001|3600'))).toEqual({ kind: 'agent' });
    expect(readEventData('AGENTCALLBACKLOGOFF', d('1001@agents|3600|Autologoff'))).toEqual({ kind: 'agent' });
    expect(readEventData('AGENTLOGOFF', d('SIP/1001|an hour'))).toHaveProperty('error');
    expect(readEventData('DID', d('01632960000'))).toEqual({ kind: 'marker' });
    expect(readEventData('INFO', d('IVRAPPEND|2'))).toEqual({ kind: 'marker' });
    expect(readEventData('ENTERQUEU', d('|1|1'))).toBeUndefined();
  });

  it('ignores trailing empty fields (the database form always has five data columns)', () => {
    expect(readEventData('RINGNOANSWER', ['15000', '', '', '', ''])).toEqual({ kind: 'ring', ringMs: 15000 });
    expect(readEventData('ABANDON', ['3', '1', '45', '', ''])).toEqual({
      kind: 'exit',
      outcome: 'abandoned',
      waitSec: 45,
      key: null,
    });
  });

  it('reads integers by hand: sign, digits only', () => {
    expect([readInt('0'), readInt('-12'), readInt('120')]).toEqual([0, -12, 120]);
    expect([readInt(''), readInt('-'), readInt('1.5'), readInt(' 1'), readInt(undefined)]).toEqual([
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
    ]);
  });
});

describe('file-form line splitting', () => {
  it('splits epoch|callid|queue|agent|EVENT|data', () => {
    expect(readFileLine('1700000000|1700000000.1|sales|NONE|ENTERQUEUE||07700900123|1')).toEqual({
      atMs: 1_700_000_000_000,
      callid: '1700000000.1',
      queue: 'sales',
      agent: 'NONE',
      event: 'ENTERQUEUE',
      data: ['', '07700900123', '1'],
      dataText: '|07700900123|1',
    });
    expect(readFileLine('1700000000|NONE|NONE|NONE|QUEUESTART')).toEqual({
      atMs: 1_700_000_000_000,
      callid: 'NONE',
      queue: 'NONE',
      agent: 'NONE',
      event: 'QUEUESTART',
      data: [],
      dataText: '',
    });
  });

  it('rejects too few fields and unreadable epochs', () => {
    expect(readFileLine('1700000000|c1|sales|NONE')).toEqual({
      reason: 'bad_field_count',
      detail: 'a queue_log line needs at least epoch|callid|queue|agent|event',
    });
    expect(readFileLine('17000x0000|c1|sales|NONE|ABANDON|1|1|2')).toEqual({
      reason: 'bad_time',
      detail: 'epoch "17000x0000" is not whole seconds',
    });
    expect(readFileLine('|c1|sales|NONE|ABANDON|1|1|2')).toEqual({ reason: 'bad_time', detail: 'epoch is empty' });
    expect(readFileLine('100|c1|sales|NONE|ABANDON|1|1|2')).toEqual({
      reason: 'bad_time',
      detail: 'epoch 100 is not between 1990 and 2100',
    });
  });
});
