#include "device_node.h"

#include "arguments.h"
#include "ctfs_files.h"

#include <fcntl.h>

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

} // namespace sysbind
