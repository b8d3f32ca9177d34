import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import { CardError } from '../common/ErrorAlert';
import { DecisionOutcome } from './DecisionOutcome';
import { PendingApproval } from './PendingApproval';
import { useApprovals } from './useApprovals';

/** Deploys into this environment that wait for approval (Environment page). @public */
export function EnvironmentApprovalsCard() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const approvals = useApprovals({ environment: name });
  const [decided, setDecided] = useState<ApprovalRequest>();
  let body: JSX.Element;
  if (approvals.loading) body = <Progress />;
  else if (approvals.error) {
    body = <CardError error={approvals.error} what="approvals" />;
  } else if (approvals.unavailable) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Approvals are not available: this Stagecraft backend has no approvals
        endpoint yet.
      </Typography>
    );
  } else if (!approvals.items.length) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Nothing waits for approval in {name}.
      </Typography>
    );
  } else {
    body = (
      <>
        {approvals.items.map(r => (
          <PendingApproval
            key={r.id}
            request={r}
            onDecided={result => {
              setDecided(result);
              approvals.upsert(result);
            }}
          />
        ))}
      </>
    );
  }
  return (
    <InfoCard title="Pending approvals">
      {decided && (
        <DecisionOutcome
          request={decided}
          onClose={() => setDecided(undefined)}
        />
      )}
      {body}
    </InfoCard>
  );
}
