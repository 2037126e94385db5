import type { ViteUserConfig } from 'vitest/config';

/** The vitest settings every @sysbind package shares. */
declare const config: ViteUserConfig;
export default config;
