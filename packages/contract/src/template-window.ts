// The active-template window. On illumos a thread created while its creator has an active
// template gets a copy of it (lwp_ctmpl_copy, called from lwp_create): every fork that thread
// makes later creates a contract with those terms, long after the window closed. So no thread may
// start while a template is active on the JS thread.
//
// The threads Node starts on demand from the JS thread are libuv's thread pool (at the first fs,
// dns, crypto or zlib operation that uses it, including the native addon's async work) and
// Workers. The pool is started here, before the first activation, so that it never starts inside
// a window; Workers are the caller's to keep out (see ContractSystem#withTemplate).
import { access } from 'node:fs';

let started = false;

/** Makes sure libuv's thread pool runs before a template is activated on this thread. */
export function startThreadPoolOutsideWindow(): void {
  if (started) return;
  started = true;
  // uv_queue_work creates the pool's threads synchronously, on this thread, the first time it
  // is called; any small request does. Its callback has nothing to do.
  access('/', () => undefined);
}
