/* Traps while it is instantiated: its _initialize (run by the component's start shim, or by the host for the core
 * module) executes `unreachable`. Otherwise a well-formed plugin. */
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("trap-init", "Trap at start", "0.0.1", "Traps during instantiation", "/trap-init")

VTX_NO_TABLES

VTX_PASS_AUTHENTICATE

VTX_EXPORT("_initialize") void initialize(void) { __builtin_trap(); }

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  (void)m; (void)ml; (void)p; (void)pl; (void)q; (void)ql;
  return vtx_respond(200, -1);
}
