export { EnvironmentEventsCard } from './EnvironmentEventsCard';
export {
  ComponentEventsCard,
  COMPONENT_EVENTS_ID,
} from './ComponentEventsCard';
export { ClusterEventsView, ClusterEventRows } from './ClusterEventsTable';
