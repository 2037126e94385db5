/*
 * Sim flavor only: the part of illumos <sys/procset.h> (and the sigsend declaration of <signal.h>)
 * the binding uses, with illumos's values. The sim flavor's shim defines sigsend and answers it
 * from the simulator; the system flavor uses the real header and libc.
 */
#ifndef SYSBIND_SIM_SYS_PROCSET_H
#define SYSBIND_SIM_SYS_PROCSET_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __idtype_t_defined
#error "the host's idtype_t is already defined; include <sys/procset.h> before <sys/wait.h>"
#endif
/* Keeps glibc's <sys/wait.h> from declaring its own, different idtype_t afterwards. */
#define __idtype_t_defined

typedef enum idtype {
  P_PID,
  P_PPID,
  P_PGID,
  P_SID,
  P_CID,
  P_UID,
  P_GID,
  P_ALL,
  P_LWPID,
  P_TASKID,
  P_PROJID,
  P_POOLID,
  P_ZONEID,
  P_CTID,
  P_CPUID,
  P_PSETID
} idtype_t;

extern int sigsend(idtype_t, id_t, int);

#ifdef __cplusplus
}
#endif

#endif
