import { useEffect, useState } from 'react';
import { relativeTime } from './environments';

/** One clock for every relative time on the page: a tick a second, no requests. */
const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: (now: number) => void) {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      const now = Date.now();
      listeners.forEach(l => l(now));
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, updated every second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribe(setNow), []);
  return now;
}

/** "5 s ago", "in 3 h" — ticking, with the exact time as its title. */
export function RelativeTime({ at }: { at?: string }) {
  const now = useNow();
  if (!at) return null;
  return (
    <time dateTime={at} title={at}>
      {relativeTime(at, now)}
    </time>
  );
}
