/** Kubernetes quantities as numbers: CPU in cores, memory in bytes. */

const CPU = /^(\d+(?:\.\d+)?)(n|u|m)?$/;
const CPU_UNITS: Record<string, number> = { '': 1, m: 1e-3, u: 1e-6, n: 1e-9 };
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P|m)?$/;
const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
};

/**
 * "500m" → 0.5, "2" → 2, "1500000n" → 0.0015 (the metrics API's nanocores);
 * undefined when it is not a CPU quantity.
 */
export function cpuCores(value: unknown): number | undefined {
  const m =
    typeof value === 'number'
      ? [String(value), String(value), '']
      : CPU.exec(String(value ?? ''));
  if (!m) return undefined;
  return Number(m[1]) * CPU_UNITS[m[2] ?? ''];
}

/** "128Mi" → 134217728; undefined when it is not a memory quantity. */
export function memoryBytes(value: unknown): number | undefined {
  const m = MEMORY.exec(String(value ?? ''));
  if (!m) return undefined;
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2] ?? '']);
}

/** Bytes as a short Kubernetes-style string (for messages). */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Math.round(v * 100) / 100}${units[i]}`;
}
