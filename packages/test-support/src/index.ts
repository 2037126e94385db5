export { describeEntryPoints } from './entry-points.ts';
