// A <type>/template file (opened exactly O_RDWR): every ct_tmpl_*, ct_pr_tmpl_* and
// ct_dev_tmpl_* function, one method each, passing the fd through unchanged. The binding does not
// check that a term belongs to the template's type: the kernel answers EINVAL, and so does this.
#ifndef SYSBIND_CONTRACT_TEMPLATE_HANDLE_H
#define SYSBIND_CONTRACT_TEMPLATE_HANDLE_H

#include "fd_handle.h"

namespace sysbind {

class TemplateHandle : public FdHandle<TemplateHandle> {
public:
  static constexpr const char *kClassName = "ContractTemplate";
  static const napi_type_tag kTypeTag;

  explicit TemplateHandle(const Napi::CallbackInfo &info) : FdHandle(info) {}
  ~TemplateHandle() { Release(); }

  static Napi::Function DefineClass(Napi::Env env);

  // openTemplate(type): opens CTFS_ROOT/<type>/template.
  static Napi::Value Open(const Napi::CallbackInfo &info);

  // ct_tmpl_* functions need the fd of another template (ct_ctl_newct): the fd, or EBADF.
  static int FdOf(const Napi::Value &value, Napi::Env env, const char *syscall);
  // The template handle `value` wraps, or a TypeError.
  static TemplateHandle *Of(const Napi::Value &value, Napi::Env env);

  void Release() { CloseFd(); }
};

} // namespace sysbind

#endif
