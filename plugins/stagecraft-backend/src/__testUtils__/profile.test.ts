import { summariseProfile } from './profile';

const frame = (id: number, functionName: string, url = '') => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
});

describe('summariseProfile', () => {
  it('splits the busy self time by package and by function, idle left out', () => {
    const summary = summariseProfile({
      nodes: [
        frame(1, '(idle)'),
        frame(
          2,
          'lookupRoute',
          'file:///w/node_modules/express-openapi-validator/dist/m.js',
        ),
        frame(
          3,
          'deploymentsView',
          'file:///w/plugins/stagecraft-backend/src/d.ts',
        ),
        frame(
          4,
          'authenticate',
          'file:///w/node_modules/@backstage/backend-defaults/dist/a.js',
        ),
        frame(5, '(garbage collector)'),
        frame(6, 'writev', 'node:net'),
      ],
      // 2 idle, 8 busy samples
      samples: [1, 1, 2, 2, 2, 2, 3, 4, 5, 6],
      startTime: 0,
      endTime: 2_000_000,
    });
    expect(summary).toMatchObject({
      durationMs: 2000,
      samples: 10,
      busySamples: 8,
    });
    expect(summary.byArea).toEqual([
      { what: 'express-openapi-validator', percent: 50 },
      { what: 'stagecraft', percent: 12.5 },
      { what: '@backstage/backend-defaults', percent: 12.5 },
      { what: '(garbage collector)', percent: 12.5 },
      { what: 'node', percent: 12.5 },
    ]);
    expect(summary.byFunction[0]).toEqual({
      what: 'lookupRoute m.js:10 [express-openapi-validator]',
      percent: 50,
    });
  });
});
