import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { useEnvironments } from '../common/useEnvironments';
import { useUrlState } from '../common/useUrlState';
import { EnvironmentsTable } from './EnvironmentsTable';
import { TeamMatrix } from './TeamMatrix';

export { EnvironmentsTable, TeamMatrix };

/** The top-level "Environments" page. @public */
export function EnvironmentsPage() {
  const environments = useEnvironments();
  const [view, setView] = useUrlState('view', 'all');
  const tab = view === 'team' ? 1 : 0;
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
  // the page's landmark: entity pages have one, a plugin page brings its own
  return (
    <main>
      <Content>
        <Tabs
          value={tab}
          onChange={(_, v) => setView(v === 1 ? 'team' : 'all')}
          indicatorColor="primary"
          style={{ marginBottom: 16 }}
        >
          <Tab label="All environments" />
          <Tab label="Team view" />
        </Tabs>
        {body}
      </Content>
    </main>
  );
}
