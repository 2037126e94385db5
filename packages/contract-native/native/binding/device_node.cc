#include "device_node.h"

#include "arguments.h"
#include "blocking_call.h"
#include "cloexec_window.h"
#include "ctfs_files.h"
#include "template_handle.h"

#include <libcontract.h>
#include <sys/ctfs.h>

#include <cerrno>
#include <fcntl.h>
#include <memory>

namespace sysbind {

const napi_type_tag DeviceNode::kTypeTag = {0x5e1f0c7a2b6d4e05ULL, 0x9a3c5d7e1f2b4c05ULL};

namespace {

Napi::Value Close(const Napi::CallbackInfo &info) {
  DeviceNode::Receiver(info, "close").Release();
  return info.Env().Undefined();
}

} // namespace

Napi::Function DeviceNode::DefineClass(Napi::Env env) {
  return DefineHandleClass<DeviceNode>(env, {{"close", Close}});
}

Napi::Value DeviceNode::Open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  if (path.empty() || path[0] != '/')
    throw InvalidArgValue(env, "path", "must be a devfs path starting with '/'");
  // Read-only is enough to create the contract; nothing is read from the node.
  // A device node is no ctfs file: the driver never sees O_CLOEXEC, which the fd layer keeps.
  int fd = OpenCloseOnExec(env, "/devices" + path, O_RDONLY | O_CLOEXEC);
  Napi::Object object = Create(env, GetAddonData(env).deviceNodeClass, fd);
  DefineReadOnly(object, "path", Napi::String::New(env, path));
  return object;
}

namespace {

// Bits of openDeviceNodeAsync's `flags` argument, each an open(2) flag the node may take.
constexpr uint32_t kFlagNdelay = 1;
constexpr uint32_t kFlagNoctty = 2;

// What the thread that opens the node hands back to the JS thread.
struct DeviceOpen {
  std::string path;
  int oflag = O_RDONLY;
  int templateFd = -1; // activated on the opening thread, around the open
  int fd = -1;
  int ctid = -1;
  const char *failed = "open";
};

// The id of the device contract the calling thread created last, or -1 (ESRCH: none).
int LatestDeviceContract() {
  int fd;
  {
    CloexecWindow window;
    fd = sys::open((std::string(CTFS_ROOT) + "/device/latest").c_str(), O_RDONLY);
    if (fd >= 0)
      fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  if (fd < 0)
    return -1;
  ct_stathdl_t status = nullptr;
  int ctid = -1;
  if (ct_status_read(fd, CTD_COMMON, &status) == 0) {
    ctid = ct_status_get_id(status);
    ct_status_free(status);
  }
  sys::close(fd);
  return ctid;
}

// Runs on the opening thread. Templates and latest are per LWP: the template is activated on this
// thread, and this thread's latest names the contract the open created.
int OpenDevice(DeviceOpen &open) {
  if (open.templateFd >= 0) {
    // libcontract returns the errno itself.
    int activated = ct_tmpl_activate(open.templateFd);
    if (activated != 0) {
      open.failed = "ct_tmpl_activate";
      return activated;
    }
  }
  int error = 0;
  {
    CloexecWindow window;
    open.fd = sys::open(open.path.c_str(), open.oflag | O_CLOEXEC);
    if (open.fd < 0) {
      error = errno;
    } else if (fcntl(open.fd, F_SETFD, FD_CLOEXEC) != 0) {
      error = errno;
      open.failed = "fcntl";
      sys::close(open.fd);
      open.fd = -1;
    }
  }
  if (open.templateFd >= 0) {
    if (error == 0)
      open.ctid = LatestDeviceContract();
    ct_tmpl_clear(open.templateFd);
  }
  return error;
}

} // namespace

// openDeviceNodeAsync(path, flags, template?): the open off the JS thread (contract_device_open
// waits for the device's barrier while a negotiation is under way). Resolves to { node, ctid }.
Napi::Value DeviceNode::OpenAsync(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  if (path.empty() || path[0] != '/')
    throw InvalidArgValue(env, "path", "must be a devfs path starting with '/'");
  uint32_t flags = info.Length() > 1 && !info[1].IsUndefined() ? UintArg(info, 1, "flags") : 0;
  if ((flags & ~(kFlagNdelay | kFlagNoctty)) != 0)
    throw OutOfRange(env, "flags", "a combination of 1 (O_NDELAY) and 2 (O_NOCTTY)");
  auto open = std::make_shared<DeviceOpen>();
  open->path = "/devices" + path;
  if ((flags & kFlagNdelay) != 0)
    open->oflag |= O_NDELAY;
  if ((flags & kFlagNoctty) != 0)
    open->oflag |= O_NOCTTY;
  TemplateHandle *templateHandle = nullptr;
  std::shared_ptr<Napi::ObjectReference> keep;
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    templateHandle = TemplateHandle::Of(info[2], env);
    open->templateFd = templateHandle->BeginBlocking(env, "ct_tmpl_activate");
    keep = std::make_shared<Napi::ObjectReference>(Napi::Persistent(info[2].As<Napi::Object>()));
  }
  auto call = std::make_unique<BlockingCall>();
  call->work = [open]() { return OpenDevice(*open); };
  call->settle = [open, path](Napi::Env settleEnv, int error) -> Napi::Value {
    if (error != 0)
      throw ContractErrno(settleEnv, error, open->failed, {-1, open->path});
    if (open->fd < 0) // cannot happen: no error means the node is open
      throw ContractErrno(settleEnv, EIO, open->failed, {-1, open->path});
    int fd = open->fd;
    open->fd = -1; // the handle owns it from here
    Napi::Object node = Create(settleEnv, GetAddonData(settleEnv).deviceNodeClass, fd);
    DefineReadOnly(node, "path", Napi::String::New(settleEnv, path));
    Napi::Object result = Napi::Object::New(settleEnv);
    result.Set("node", node);
    result.Set("ctid", open->ctid > 0 ? Napi::Number::New(settleEnv, open->ctid) : settleEnv.Undefined());
    return result;
  };
  call->finish = [open, templateHandle, keep]() {
    if (open->fd >= 0) // opened, but never handed to JS (teardown, or settle failed)
      sys::close(open->fd);
    open->fd = -1;
    if (templateHandle != nullptr)
      templateHandle->EndBlocking();
    if (keep)
      keep->Reset();
  };
  return QueueBlockingCall(env, "open", std::move(call));
}

} // namespace sysbind
