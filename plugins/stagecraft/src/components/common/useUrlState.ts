import { useCallback, useState } from 'react';

/**
 * A page's view state kept in the URL's query (`?owner=…&tier=…`), so a
 * reload, a bookmark or a shared link shows the same view. The default value
 * is left out of the URL. Written with `history.replaceState`: the router's
 * location is unchanged, only the address bar follows.
 */
export function useUrlState(
  key: string,
  defaultValue = '',
): [string, (v: string) => void] {
  const [value, setValue] = useState(
    () => new URLSearchParams(window.location.search).get(key) ?? defaultValue,
  );
  const set = useCallback(
    (v: string) => {
      setValue(v);
      const params = new URLSearchParams(window.location.search);
      if (v === defaultValue) params.delete(key);
      else params.set(key, v);
      const qs = params.toString();
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${qs ? `?${qs}` : ''}${
          window.location.hash
        }`,
      );
    },
    [key, defaultValue],
  );
  return [value, set];
}
