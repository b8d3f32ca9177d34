import { allInOrder } from './inOrder';

describe('allInOrder', () => {
  it('gives every value, in argument order', async () => {
    const later = new Promise<string>(r => setImmediate(() => r('b')));
    await expect(allInOrder([later, Promise.resolve(1)])).resolves.toEqual([
      'b',
      1,
    ]);
  });

  it('throws the first failure in argument order, not in time', async () => {
    const forbidden = new Promise((_, reject) =>
      setImmediate(() => reject(new Error('403'))),
    );
    const notFound = Promise.reject(new Error('404'));
    await expect(allInOrder([forbidden, notFound])).rejects.toThrow('403');
  });

  it('starts them together: waits for all before it answers', async () => {
    const order: string[] = [];
    const a = new Promise(r =>
      setImmediate(() => {
        order.push('a');
        r('a');
      }),
    );
    const b = Promise.resolve().then(() => order.push('b'));
    await allInOrder([a, b]);
    expect(order).toEqual(['b', 'a']);
  });
});
