/* Built against wasi-libc (reactor): printf to stdout/stderr, malloc, getenv, and a file open
 * that the host's deny-by-default WASI must refuse. */
#define VTX_USE_LIBC
#include <stdio.h>
#include "vtx.h"

static u32 vtx_realloc_override(u32 align, u32 size) { (void)align; (void)size; return 0; }

VTX_EXPORT("get-manifest") vtx_manifest *get_manifest(void) {
  vtx_manifest_ret.id = vtx_str("wasi-hello");
  vtx_manifest_ret.name = vtx_str("WASI hello");
  vtx_manifest_ret.version = vtx_str("0.1.0");
  vtx_manifest_ret.description = vtx_str("Uses wasi-libc");
  vtx_manifest_ret.entrypoint = vtx_str("/hello");
  return &vtx_manifest_ret;
}

VTX_EXPORT("get-migrations") vtx_string_list *get_migrations(void) { return vtx_strings(0, 0); }

VTX_EXPORT("get-resources") vtx_string_list *get_resources(void) { return vtx_strings(0, 0); }

static vtx_auth_result auth_ret;
VTX_EXPORT("authenticate") vtx_auth_result *authenticate(const vtx_header *headers, u32 count) {
  (void)headers; (void)count;
  auth_ret.is_err = 1;
  auth_ret.val.err = 401;
  return &auth_ret;
}

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
