import { parseWindow, windowState } from './windows';

const weekdays9to16Berlin = parseWindow(
  { cron: '0 9 * * 1-4', duration: '7h', timeZone: 'Europe/Berlin' },
  'w',
);

describe('deployment windows', () => {
  it('is open inside a window, in its time zone', () => {
    // Tuesday 2026-11-24 10:30 in Berlin (UTC+1) is 09:30 UTC
    expect(
      windowState([weekdays9to16Berlin], new Date('2026-11-24T09:30:00Z')),
    ).toEqual({ open: true });
  });

  it('is closed after the window and names the next opening', () => {
    // Tuesday 17:00 Berlin -> next: Wednesday 09:00 Berlin = 08:00 UTC
    expect(
      windowState([weekdays9to16Berlin], new Date('2026-11-24T16:00:00Z')),
    ).toEqual({ open: false, nextAt: new Date('2026-11-25T08:00:00Z') });
    // Thursday evening -> Monday morning
    expect(
      windowState([weekdays9to16Berlin], new Date('2026-11-26T20:00:00Z')),
    ).toEqual({ open: false, nextAt: new Date('2026-11-30T08:00:00Z') });
  });

  it('takes the earliest of several windows, and no windows means always open', () => {
    const saturday = parseWindow({ cron: '0 10 * * 6', duration: '2h' }, 'w2');
    expect(
      windowState(
        [weekdays9to16Berlin, saturday],
        new Date('2026-11-27T20:00:00Z'),
      ),
    ).toEqual({ open: false, nextAt: new Date('2026-11-28T10:00:00Z') });
    expect(windowState([], new Date())).toEqual({ open: true });
  });

  it('refuses bad windows naming where', () => {
    expect(() => parseWindow({ cron: 'nope', duration: '1h' }, 'x[0]')).toThrow(
      'x[0]: cron "nope"',
    );
    expect(() =>
      parseWindow({ cron: '0 9 * * *', duration: '1 hour' }, 'x[1]'),
    ).toThrow('x[1].duration');
    expect(() =>
      parseWindow(
        { cron: '0 9 * * *', duration: '1h', timeZone: 'Mars/Olympus' },
        'x[2]',
      ),
    ).toThrow('timeZone "Mars/Olympus"');
  });
});
