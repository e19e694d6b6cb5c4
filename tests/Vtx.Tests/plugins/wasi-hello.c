/* Built against wasi-libc (reactor): printf to stdout/stderr, malloc, getenv, and a file open
 * that the host's deny-by-default WASI must refuse. */
#define VTX_USE_LIBC
#include <stdio.h>
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("wasi-hello", "WASI hello", "0.1.0", "Uses wasi-libc", "/hello")

VTX_NO_TABLES

VTX_PASS_AUTHENTICATE

/* Answers "env=<VTX_ENV> home=<HOME or unset> args=<argc>:<argv[0]> passwd=<opened|denied>". */
VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  (void)q; (void)ql;
  printf("handling %.*s %.*s\n", (int)ml, m, (int)pl, p);
  fflush(stdout);
  fprintf(stderr, "a warning from the plugin\n");
  const char *env = getenv("VTX_ENV");
  const char *home = getenv("HOME");
  FILE *passwd = fopen("/etc/passwd", "r");
  char *body = malloc(256);
  int n = snprintf(body, 256, "env=%s home=%s passwd=%s", env ? env : "unset", home ? home : "unset", passwd ? "opened" : "denied");
  s32 h = vtx_text_buffer(body, (u32)n);
  free(body);
  return vtx_respond(200, h);
}
