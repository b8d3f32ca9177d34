import Box from '@material-ui/core/Box';
import Link from '@material-ui/core/Link';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { GitopsStatus } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Wire } from '../../api/StagecraftApi';

const STAGES = ['committed', 'fetched', 'applied'] as const;
const LABELS: Record<string, string> = {
  committed: 'Committed',
  fetched: 'Fetched by Flux',
  applied: 'Applied by Flux',
  failed: 'Flux failed to apply',
};

/**
 * The web page of a commit on hosts whose layout is known (GitHub:
 * `<repo>/commit/<sha>`, GitLab: `<repo>/-/commit/<sha>`); undefined for
 * others, which show the sha alone.
 */
export function commitUrl(repository?: string, sha?: string) {
  if (!repository || !sha) return undefined;
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    return undefined;
  }
  const base = `${url.origin}${url.pathname
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')}`;
  if (/(^|\.)github\b/.test(url.hostname)) return `${base}/commit/${sha}`;
  if (/(^|\.)gitlab\b/.test(url.hostname)) return `${base}/-/commit/${sha}`;
  return undefined;
}

/**
 * Where a GitOps revision stands: committed (with the commit) → fetched →
 * applied by Flux, or Flux's failure; commits to the component's folder
 * made outside Stagecraft are named.
 */
export function GitopsStage({ gitops }: { gitops?: Wire<GitopsStatus> }) {
  if (!gitops?.stage) return null;
  const sha = typeof gitops.commit === 'string' ? gitops.commit : undefined;
  const url = commitUrl(gitops.repository, sha);
  const reached =
    gitops.stage === 'failed'
      ? STAGES.indexOf('fetched')
      : STAGES.indexOf(gitops.stage as (typeof STAGES)[number]);
  const outside = (gitops.changedOutside ?? []).filter(c => c?.sha);
  const edits = (gitops.clusterEdits ?? []).filter(e => e?.object);
  return (
    <Box
      role="status"
      aria-label={`GitOps: ${LABELS[gitops.stage] ?? gitops.stage}`}
    >
      <Typography variant="caption" display="block">
        {STAGES.map((s, i) => (
          <span
            key={s}
            style={{ opacity: i <= reached ? 1 : 0.45 }}
            data-stage={s}
            data-reached={i <= reached}
          >
            {i > 0 && ' → '}
            {LABELS[s]}
            {s === 'committed' && sha && (
              <>
                {' '}
                {url ? (
                  <Link
                    href={url}
                    target="_blank"
                    rel="noopener"
                    underline="always"
                  >
                    {sha.slice(0, 7)}
                  </Link>
                ) : (
                  <code>{sha.slice(0, 7)}</code>
                )}
              </>
            )}
          </span>
        ))}
      </Typography>
      {gitops.stage === 'failed' && (
        <Typography variant="caption" color="error" display="block">
          {LABELS.failed}
          {gitops.message ? `: ${gitops.message}` : ''}
        </Typography>
      )}
      {edits.length > 0 && (
        <Typography variant="caption" color="error" display="block">
          Edited in the cluster by {edits[0].manager ?? 'someone'} — Flux
          restores Git’s version at its next run
        </Typography>
      )}
      {outside.length > 0 && (
        <Tooltip
          title={outside
            .map(
              c =>
                `${c.sha!.slice(0, 7)} ${c.message ?? ''} (${
                  c.author ?? 'unknown'
                })`,
            )
            .join('\n')}
        >
          <Typography variant="caption" color="error" display="block">
            Changed outside Stagecraft: {outside.length} commit
            {outside.length > 1 ? 's' : ''} (latest{' '}
            {outside[0].sha!.slice(0, 7)} by {outside[0].author ?? 'unknown'})
          </Typography>
        </Tooltip>
      )}
    </Box>
  );
}
