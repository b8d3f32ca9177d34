import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy*/waitFor poll until their condition holds; the deadline is generous
// because two busy cores can take seconds to render a test app (a test that
// passes returns as soon as its condition holds, so this costs nothing then).
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

// views keep their state in the URL's query (useUrlState): every test starts without one
afterEach(() => window.history.replaceState(null, '', '/'));
