// A device minor node opened with open(2) under /devices: with a device template active on the
// calling thread, the open creates a device contract, as device_contract(5) describes.
#ifndef SYSBIND_CONTRACT_DEVICE_NODE_H
#define SYSBIND_CONTRACT_DEVICE_NODE_H

#include "fd_handle.h"

namespace sysbind {

class DeviceNode : public FdHandle<DeviceNode> {
public:
  static constexpr const char *kClassName = "DeviceNode";
  static const napi_type_tag kTypeTag;

  explicit DeviceNode(const Napi::CallbackInfo &info) : FdHandle(info) {}
  ~DeviceNode() { Release(); }

  static Napi::Function DefineClass(Napi::Env env);

  // openDeviceNode(path): path is the devfs path without the /devices prefix.
  static Napi::Value Open(const Napi::CallbackInfo &info);
  // openDeviceNodeAsync(path, flags, template?): the same off the JS thread, under `template`
  // (activated on the opening thread); resolves to { node, ctid }.
  static Napi::Value OpenAsync(const Napi::CallbackInfo &info);

  void Release() { CloseFd(); }
};

} // namespace sysbind

#endif
