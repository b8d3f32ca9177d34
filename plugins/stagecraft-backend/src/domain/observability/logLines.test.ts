import {
  ByteRate,
  FollowSlots,
  lastLines,
  mergeByTime,
  parseLogLine,
  timeKey,
  toLogLine,
  truncateText,
} from './logLines';

const line = (pod: string, time: string, text: string) => ({
  pod,
  container: 'main',
  time,
  text,
});

describe('log lines', () => {
  it('splits the kubelet timestamp from the text', () => {
    expect(parseLogLine('2026-12-01T16:05:54.037804933Z hello world')).toEqual({
      time: '2026-12-01T16:05:54.037804933Z',
      text: 'hello world',
    });
    expect(parseLogLine('no time here')).toEqual({
      time: '',
      text: 'no time here',
    });
    expect(parseLogLine('2026-12-01T16:05:54Z \r')).toEqual({
      time: '2026-12-01T16:05:54Z',
      text: '',
    });
  });

  it('orders times whose fractions Go trimmed', () => {
    const a = timeKey('2026-12-01T16:05:54.1Z');
    const b = timeKey('2026-12-01T16:05:54.05Z');
    const c = timeKey('2026-12-01T16:05:54Z');
    expect([a, b, c].sort()).toEqual([c, b, a]);
    expect(timeKey('2026-12-01T17:05:54.5+01:00')).toBe(
      timeKey('2026-12-01T16:05:54.5Z'),
    );
  });

  it('cuts long lines to the byte limit, never inside a character', () => {
    expect(truncateText('abcdef', 4)).toEqual({
      text: 'abcd',
      truncated: true,
    });
    expect(truncateText('abc', 4)).toEqual({ text: 'abc', truncated: false });
    expect(truncateText('aé', 2)).toEqual({ text: 'a', truncated: true });
    const l = toLogLine(
      `2026-12-01T16:05:54Z ${'x'.repeat(9000)}`,
      { pod: 'p', container: 'c' },
      8192,
    );
    expect(l.text).toHaveLength(8192);
    expect(l.truncated).toBe(true);
  });

  it('merges several pods in time order, each keeping its own order', () => {
    const a = [
      line('a', '2026-12-01T10:00:00.1Z', 'a1'),
      line('a', '2026-12-01T10:00:00.3Z', 'a2'),
      line('a', '', 'a2-continued'),
    ];
    const b = [
      line('b', '2026-12-01T10:00:00.2Z', 'b1'),
      line('b', '2026-12-01T10:00:00.3Z', 'b2'),
    ];
    expect(mergeByTime([a, b]).map(l => l.text)).toEqual([
      'a1',
      'b1',
      'a2',
      'a2-continued',
      'b2',
    ]);
    expect(lastLines([1, 2, 3], 2)).toEqual([2, 3]);
    expect(lastLines([1, 2, 3], undefined)).toEqual([1, 2, 3]);
  });

  it('counts bytes per second in windows of the clock', () => {
    let now = 0;
    const rate = new ByteRate(100, () => now);
    expect(rate.take(60)).toBe(true);
    expect(rate.take(40)).toBe(true);
    expect(rate.take(1)).toBe(false);
    now = 1000;
    expect(rate.take(100)).toBe(true);
  });

  it('limits follows per user and per backend, and frees them once', () => {
    const slots = new FollowSlots({ perUser: 2, perBackend: 3 });
    const a1 = slots.acquire('a') as () => void;
    slots.acquire('a');
    expect(slots.acquire('a')).toEqual({ refused: 'user' });
    slots.acquire('b');
    expect(slots.acquire('c')).toEqual({ refused: 'backend' });
    a1();
    a1();
    expect(slots.open()).toBe(2);
    expect(slots.open('a')).toBe(1);
    expect(typeof slots.acquire('c')).toBe('function');
  });
});
