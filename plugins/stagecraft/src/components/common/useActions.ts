import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  ComponentActions,
  EnvironmentActions,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import type { Wire } from '../../api/wire';
import type { ActionAnswer } from './PermissionButton';

type Answers<T> = Record<string, Wire<T> | Error>;

/** The answer for one action of a backend reply (or the reply's state). */
export function answerOf(
  reply: Wire<ComponentActions> | Wire<EnvironmentActions> | Error | undefined,
  action: string,
): ActionAnswer {
  if (!reply) return 'loading';
  if (reply instanceof Error) return reply;
  const state = (reply.actions as Record<string, ActionAnswer> | undefined)?.[
    action
  ];
  return state ?? new Error(`the backend did not answer for ${action}`);
}

/**
 * What the user may do with a component in each environment, asked again
 * whenever `version` changes (a new revision, a decided approval…): the one
 * source of every enabled/disabled control and its reason.
 */
export function useComponentActions(
  componentRef: string,
  environments: string[],
  version: string,
): Answers<ComponentActions> {
  const api = useApi(stagecraftApiRef);
  const [answers, setAnswers] = useState<Answers<ComponentActions>>({});
  const key = [...environments].sort().join(',');
  useEffect(() => {
    const stopped = { current: false };
    const put = (env: string, answer: Wire<ComponentActions> | Error) => {
      if (!stopped.current) setAnswers(p => ({ ...p, [env]: answer }));
    };
    (key ? key.split(',') : []).forEach(env =>
      api.getComponentActions(componentRef, env).then(
        a => put(env, a),
        e => put(env, e as Error),
      ),
    );
    return () => {
      stopped.current = true;
    };
  }, [api, componentRef, key, version]);
  return answers;
}

/** What the user may do with an environment, asked again when `version` changes. */
export function useEnvironmentActions(
  name: string,
  version: string,
): Wire<EnvironmentActions> | Error | undefined {
  const api = useApi(stagecraftApiRef);
  const [answer, setAnswer] = useState<Wire<EnvironmentActions> | Error>();
  useEffect(() => {
    let live = true;
    api.getEnvironmentActions(name).then(
      a => live && setAnswer(a),
      e => live && setAnswer(e as Error),
    );
    return () => {
      live = false;
    };
  }, [api, name, version]);
  return answer;
}
