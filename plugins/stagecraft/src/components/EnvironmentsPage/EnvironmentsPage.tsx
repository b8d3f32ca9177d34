import { useState } from 'react';
import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { useEnvironments } from '../common/useEnvironments';
import { EnvironmentsTable } from './EnvironmentsTable';
import { TeamMatrix } from './TeamMatrix';

export { EnvironmentsTable, TeamMatrix };

/** The top-level "Environments" page. @public */
export function EnvironmentsPage() {
  const environments = useEnvironments();
  const [tab, setTab] = useState(0);
  let body: JSX.Element;
  if (environments.loading) body = <Progress />;
  else if (environments.error) {
    body = <ResponseErrorPanel error={environments.error} />;
  } else if (!environments.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No environments yet"
        description="Declare one as a kind: Environment entity in the catalog, or create one with the Stagecraft environment template (or POST /api/stagecraft/environments)."
      />
    );
  } else if (tab === 0) {
    body = <EnvironmentsTable environments={environments.value} />;
  } else {
    body = <TeamMatrix environments={environments.value} />;
  }
  return (
    <Content>
      <Tabs
        value={tab}
        onChange={(_, v) => setTab(v)}
        indicatorColor="primary"
        style={{ marginBottom: 16 }}
      >
        <Tab label="All environments" />
        <Tab label="Team view" />
      </Tabs>
      {body}
    </Content>
  );
}
