export { describeEntryPoints } from './entry-points.ts';
export { silentOnDeath } from './silent-on-death.ts';
