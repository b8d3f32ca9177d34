/**
 * Splits a server-sent-events stream into its events as chunks arrive: feed
 * every chunk, get the complete events it finished (`event:` name, if any,
 * and the parsed `data:` JSON). Comments and heartbeats yield nothing.
 */
export function sseReader(): (
  chunk: string,
) => Array<{ event?: string; data: any }> {
  let buffer = '';
  return chunk => {
    buffer += chunk;
    const out: Array<{ event?: string; data: any }> = [];
    for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, i).split('\n');
      buffer = buffer.slice(i + 2);
      const event = lines.find(l => l.startsWith('event: '));
      const data = lines.find(l => l.startsWith('data: '));
      if (data) {
        out.push({
          ...(event && { event: event.slice(7) }),
          data: JSON.parse(data.slice(6)),
        });
      }
    }
    return out;
  };
}
