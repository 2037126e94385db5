/*
 * Sim flavor only: the declarations of illumos <sys/contract.h> (and the id types of
 * <sys/types.h> that Linux lacks) that libcontract's interface needs, with illumos's values.
 * The system flavor compiles against the real header instead.
 */
#ifndef SYSBIND_SIM_SYS_CONTRACT_H
#define SYSBIND_SIM_SYS_CONTRACT_H

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int uint_t;
typedef int ctid_t;   /* illumos: id_t */
typedef int zoneid_t; /* illumos: id_t */
typedef uint64_t ctevid_t;

typedef enum ctstate { CTS_OWNED, CTS_INHERITED, CTS_ORPHAN, CTS_DEAD } ctstate_t;

typedef enum ct_typeid { CTT_PROCESS, CTT_DEVICE, CTT_MAXTYPE } ct_typeid_t;

#define CTD_COMMON 0
#define CTD_FIXED 1
#define CTD_ALL 2

#define CTE_ACK 0x1
#define CTE_INFO 0x2
#define CTE_NEG 0x4

#define CT_EV_NEGEND 0

#define CTP_EV_CRITICAL 100
#define CTP_EV_INFO 101
#define CTP_COOKIE 102

#define CT_PARAM_MAX_SIZE 8192

#ifdef __cplusplus
}
#endif

#endif
