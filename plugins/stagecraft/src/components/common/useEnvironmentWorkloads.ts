import { useEffect, useMemo, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  RELATIONS,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  asArray,
  isPlaced,
  PlacedDeployment,
  stagecraftApiRef,
} from '../../api/StagecraftApi';
import { fullRef } from './environments';

/** How often the list of components deployed here is read again (status comes live). */
export const WORKLOADS_REFRESH_MS = 10_000;

/**
 * The components that run in an environment, live. Which components: those
 * the catalog relates to it, those of its system, and those the backend
 * knows deployed there (`GET /environments/{name}/actions` workloads, and the
 * usage) — so a preview, a clone or a template's `-dev` environment without a
 * system is not "empty". Their status: the deployments answer, then each
 * component's event stream, so every card built on this updates at once.
 */
export function useEnvironmentWorkloads(
  entity: Entity,
  refreshMs = WORKLOADS_REFRESH_MS,
) {
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(stagecraftApiRef);
  const name = entity.metadata.name;
  const system = fullRef(
    (entity.spec as { system?: string } | undefined)?.system,
    'system',
  );
  const [refs, setRefs] = useState<string[]>();
  const [error, setError] = useState<Error>();
  const [rows, setRows] = useState<Record<string, PlacedDeployment>>({});

  // which components: read now and every refreshMs
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const related = (entity.relations ?? [])
          .filter(r => r.type === RELATIONS.hasDeployment)
          .map(r => r.targetRef);
        const [inSystem, actions, usage] = await Promise.all([
          system
            ? catalogApi
                .getEntities({
                  filter: {
                    kind: 'component',
                    'spec.system': system.split('/')[1],
                  },
                })
                .then(r =>
                  r.items
                    .filter(c => c.metadata.annotations?.[ANNOTATIONS.workload])
                    .map(c => stringifyEntityRef(c)),
                )
            : Promise.resolve([]),
          api.getEnvironmentActions(name).catch(() => undefined),
          api.getEnvironmentUsage(name).catch(() => undefined),
        ]);
        const deployedHere = [
          ...asArray(actions?.workloads).map(w => w?.component),
          ...asArray(usage?.components).map(c => c?.component),
        ].filter((c): c is string => typeof c === 'string' && !!c);
        const all = [
          ...new Set([...related, ...inSystem, ...deployedHere]),
        ].sort();
        if (!stopped) {
          setRefs(prev => (prev?.join() === all.join() ? prev : all));
          setError(undefined);
        }
      } catch (e) {
        if (!stopped) setError(e as Error);
      }
    };
    read();
    const timer = setInterval(read, refreshMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [catalogApi, api, name, system, entity.relations, refreshMs]);

  // their status: a first read, then the stream of each
  const key = refs?.join(',') ?? '';
  useEffect(() => {
    const put = (ref: string, d: unknown) => {
      if (isPlaced(d) && d.environment === name) {
        setRows(p => ({ ...p, [ref]: d }));
      }
    };
    const stops = (key ? key.split(',') : []).map(ref => {
      api.getDeployments(ref).then(
        ds => ds.forEach(d => put(ref, d)),
        e => setError(e as Error),
      );
      return api.watchDeployments(ref, { onStatus: d => put(ref, d) });
    });
    return () => stops.forEach(stop => stop());
  }, [api, key, name]);

  const items = useMemo(
    () =>
      Object.entries(rows)
        .filter(([ref]) => refs?.includes(ref))
        .map(([ref, deployment]) => ({ ref, deployment }))
        .sort((a, b) => a.ref.localeCompare(b.ref)),
    [rows, refs],
  );
  return { loading: refs === undefined && !error, error, items };
}
