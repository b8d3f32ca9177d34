import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';

/**
 * The body of a card or page that lists things: a spinner while loading,
 * the error, an empty state that says what to do, or the list. `state` is
 * what loads the list (a `useAsync` state, or the same shape).
 */
export function ListBody<T>({
  state: { loading, error, value: items },
  empty,
  children,
}: {
  state: { loading: boolean; error?: Error; value?: T[] };
  empty: { title: string; description: string };
  children: (items: T[]) => JSX.Element;
}) {
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!items?.length) {
    return (
      <EmptyState
        missing="data"
        title={empty.title}
        description={empty.description}
      />
    );
  }
  return children(items);
}
