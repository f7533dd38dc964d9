// Its own module so that resolve.ts and legacy-names.ts, which both report issues, do not import
// each other.

/** One configuration problem or warning, with the dotted path of the key concerned. */
export interface ConfigIssue {
  /**
   * Dotted path, e.g. `storage.path`; `(root)` for the document itself; the variable's name for an
   * unknown environment variable.
   */
  readonly path: string;
  readonly message: string;
  /** Which layer the offending value came from, when it is known. */
  readonly source?: 'file' | 'env' | 'flags';
  /**
   * `unknown_key`: a key the schema does not have (`path` names it); `unknown_env`: an `LLMTRACE_*`
   * variable that sets nothing (`path` is its name). Lets a caller suggest the closest known name.
   */
  readonly code?: 'unknown_key' | 'unknown_env';
}
