import { ResponseError } from '@backstage/errors';

/** A ResponseError as the client throws it for a backend error answer. */
export async function httpError(
  status: number,
  message: string,
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: { name: 'Error', message },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: 'Error',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    text: async () => body,
    url: 'http://localhost:7007/api/stagecraft',
  } as unknown as Response);
}
