#include "constants.h"

#include <libcontract.h>
#include <sys/contract.h>
#include <sys/contract/device.h>
#include <sys/contract/process.h>

namespace sysbind {

Napi::Object ContractConstants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  auto set = [&](const char *name, double value) { constants.Set(name, Napi::Number::New(env, value)); };

  set("CTD_COMMON", CTD_COMMON);
  set("CTD_FIXED", CTD_FIXED);
  set("CTD_ALL", CTD_ALL);
  set("CTE_ACK", CTE_ACK);
  set("CTE_INFO", CTE_INFO);
  set("CTE_NEG", CTE_NEG);
  set("CT_EV_NEGEND", CT_EV_NEGEND);
  set("CTP_EV_CRITICAL", CTP_EV_CRITICAL);
  set("CTP_EV_INFO", CTP_EV_INFO);
  set("CTP_COOKIE", CTP_COOKIE);
  set("CT_PARAM_MAX_SIZE", CT_PARAM_MAX_SIZE);
  set("CTT_PROCESS", CTT_PROCESS);
  set("CTT_DEVICE", CTT_DEVICE);
  set("CTT_MAXTYPE", CTT_MAXTYPE);
  set("CTS_OWNED", CTS_OWNED);
  set("CTS_INHERITED", CTS_INHERITED);
  set("CTS_ORPHAN", CTS_ORPHAN);
  set("CTS_DEAD", CTS_DEAD);

  set("CT_PR_EV_EMPTY", CT_PR_EV_EMPTY);
  set("CT_PR_EV_FORK", CT_PR_EV_FORK);
  set("CT_PR_EV_EXIT", CT_PR_EV_EXIT);
  set("CT_PR_EV_CORE", CT_PR_EV_CORE);
  set("CT_PR_EV_SIGNAL", CT_PR_EV_SIGNAL);
  set("CT_PR_EV_HWERR", CT_PR_EV_HWERR);
  set("CT_PR_ALLEVENT", CT_PR_ALLEVENT);
  set("CT_PR_ALLFATAL", CT_PR_ALLFATAL);
  set("CT_PR_INHERIT", CT_PR_INHERIT);
  set("CT_PR_NOORPHAN", CT_PR_NOORPHAN);
  set("CT_PR_PGRPONLY", CT_PR_PGRPONLY);
  set("CT_PR_REGENT", CT_PR_REGENT);
#ifdef CT_PR_KEEP_EXEC // absent from illumos headers that predate it
  set("CT_PR_KEEP_EXEC", CT_PR_KEEP_EXEC);
#endif
  set("CT_PR_ALLPARAM", CT_PR_ALLPARAM);
  set("CTPP_EV_FATAL", CTPP_EV_FATAL);
  set("CTPP_PARAMS", CTPP_PARAMS);
  set("CTPP_SUBSUME", CTPP_SUBSUME);
  set("CTPP_SVC_FMRI", CTPP_SVC_FMRI);
  set("CTPP_SVC_CTID", CTPP_SVC_CTID);
  set("CTPP_SVC_CREATOR", CTPP_SVC_CREATOR);
  set("CTPP_CREATOR_AUX", CTPP_CREATOR_AUX);

  set("CT_DEV_EV_ONLINE", CT_DEV_EV_ONLINE);
  set("CT_DEV_EV_DEGRADED", CT_DEV_EV_DEGRADED);
  set("CT_DEV_EV_OFFLINE", CT_DEV_EV_OFFLINE);
  set("CT_DEV_ALLEVENT", CT_DEV_ALLEVENT);
  set("CTDP_ACCEPT", CTDP_ACCEPT);
  set("CTDP_NONEG", CTDP_NONEG);
  set("CTDP_MINOR", CTDP_MINOR);
  set("CTDP_ALLPARAMS", CTDP_ALLPARAMS);
  set("CTDP_NONEG_CLEAR", CTDP_NONEG_CLEAR);
  set("CTDP_NONEG_SET", CTDP_NONEG_SET);
  set("CT_DEV_ACKTIME", CT_DEV_ACKTIME);
  return constants;
}

} // namespace sysbind
