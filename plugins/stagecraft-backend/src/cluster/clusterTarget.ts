import type { ClusterConnection } from './clusterConfig';

/** Where runtime-located clusters go: the gateway's add/replace/remove and its admin-config names. */
export interface ClusterTarget {
  setCluster(c: ClusterConnection): unknown;
  removeCluster(name: string): unknown;
  /** A name of admin config: that entry wins over a located one. */
  isConfigured(name: string): boolean;
}

/** Runs `pass` at once, then `everyMs` after each pass ends, until stopped; a failed pass is reported. */
export class RefreshLoop {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly everyMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  start() {
    const tick = () =>
      this.pass()
        .catch(this.onError)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.everyMs);
        });
    this.timer = setTimeout(tick, 0);
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
