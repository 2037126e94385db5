/** The cmake-js every install-time build uses. */
export declare const CMAKE_JS: string;
/** Runs `cmake-js <args>` for the package in `packageDir`; returns the exit status. */
export declare function runCmakeJs(packageDir: string, args: readonly string[]): number;
/** Builds the system flavor into build/system; a failure ends the install with the reason. */
export declare function buildSystemFlavor(options: {
  readonly packageName: string;
  readonly packageDir: string;
  readonly cmakeArgs: readonly string[];
  readonly needs: string;
}): void;
