import { describeEntryPoints } from '@sysbind/test-support';

describeEntryPoints(new URL('..', import.meta.url).pathname);
