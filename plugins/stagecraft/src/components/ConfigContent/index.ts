export { ConfigContent } from './ConfigContent';
