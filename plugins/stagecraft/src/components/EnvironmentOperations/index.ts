export { CloneButton } from './CloneButton';
export { TeardownButton } from './TeardownButton';
export { PauseResumeButtons } from './PauseResumeButtons';
export { ProvisionButton } from './ProvisionButton';
