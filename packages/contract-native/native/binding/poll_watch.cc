#include "poll_watch.h"

namespace sysbind {

PollWatch *PollWatch::Start(AddonData &data, uv_loop_t *loop, int fd, Owner *owner, bool referenced,
                            int *error) {
  PollWatch *watch = new PollWatch(data, owner);
  *error = uv_poll_init(loop, &watch->handle_, fd);
  if (*error != 0) {
    // uv_poll_init failed before registering the handle with the loop: plain delete is right.
    delete watch;
    return nullptr;
  }
  watch->handle_.data = watch;
  *error = uv_poll_start(&watch->handle_, UV_READABLE, OnPollEvent);
  if (*error != 0) {
    watch->Close();
    return nullptr;
  }
  watch->SetReferenced(referenced);
  return watch;
}

void PollWatch::SetReferenced(bool referenced) {
  uv_handle_t *handle = reinterpret_cast<uv_handle_t *>(&handle_);
  if (referenced)
    uv_ref(handle);
  else
    uv_unref(handle);
}

void PollWatch::Close() {
  owner_ = nullptr;
  uv_poll_stop(&handle_);
  data_.closingPolls++;
  uv_close(reinterpret_cast<uv_handle_t *>(&handle_), OnClosed);
}

void PollWatch::OnPollEvent(uv_poll_t *handle, int status, int) {
  PollWatch *watch = static_cast<PollWatch *>(handle->data);
  if (watch->owner_ != nullptr)
    watch->owner_->OnPoll(status);
}

void PollWatch::OnClosed(uv_handle_t *handle) {
  PollWatch *watch = static_cast<PollWatch *>(handle->data);
  AddonData &data = watch->data_;
  delete watch;
  data.closingPolls--;
  FinishTeardownIfIdle(data);
}

} // namespace sysbind
