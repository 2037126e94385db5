// One uv_poll_t watching an fd for readability. The handle memory belongs to libuv from
// uv_poll_init until its uv_close callback runs, so a PollWatch is never deleted directly: Close()
// stops it, detaches the owner (no callback reaches it afterwards) and the close callback frees it.
#ifndef SYSBIND_CONTRACT_POLL_WATCH_H
#define SYSBIND_CONTRACT_POLL_WATCH_H

#include <uv.h>

#include "addon_data.h"

namespace sysbind {

class PollWatch {
public:
  // Told each time the fd is readable, or with a negative libuv status when polling failed.
  class Owner {
  public:
    virtual void OnPoll(int status) = 0;

  protected:
    ~Owner() = default;
  };

  // A started watch, or nullptr with the libuv error in *error.
  static PollWatch *Start(AddonData &data, uv_loop_t *loop, int fd, Owner *owner, bool referenced,
                          int *error);

  // Whether the watch keeps the event loop alive.
  void SetReferenced(bool referenced);

  // Stops watching and hands the handle to uv_close; `this` is freed by libuv's close callback.
  void Close();

private:
  PollWatch(AddonData &data, Owner *owner) : data_(data), owner_(owner) {}
  static void OnPollEvent(uv_poll_t *handle, int status, int events);
  static void OnClosed(uv_handle_t *handle);

  uv_poll_t handle_{};
  AddonData &data_;
  Owner *owner_;
};

} // namespace sysbind

#endif
