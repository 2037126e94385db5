/** The cmake-js every install-time build uses. */
export declare const CMAKE_JS: string;
/**
 * The folder of the addon setup every native package's CMakeLists.txt includes
 * (cmake/SysbindAddon.cmake) and of the C++ helpers its sources include (include/sysbind).
 */
export declare const CORE_NATIVE_DIR: string;
/**
 * Runs `cmake-js <args>` for the package in `packageDir`, with SYSBIND_CORE_NATIVE_DIR defined as
 * {@link CORE_NATIVE_DIR}; `env` replaces the environment it runs in. Returns the exit status.
 */
export declare function runCmakeJs(
  packageDir: string,
  args: readonly string[],
  options?: { readonly env?: NodeJS.ProcessEnv },
): number;
/** Builds the system flavor into build/system; a failure ends the install with the reason. */
export declare function buildSystemFlavor(options: {
  readonly packageName: string;
  readonly packageDir: string;
  readonly cmakeArgs: readonly string[];
  readonly needs: string;
}): void;
