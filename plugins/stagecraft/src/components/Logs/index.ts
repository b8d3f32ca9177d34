export { LogsDialog } from './LogsDialog';
export { LogsButton } from './LogsButton';
