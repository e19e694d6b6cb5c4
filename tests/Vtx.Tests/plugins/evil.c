/* Misbehaves on request: traps, loops, grows memory, hands the host bad pointers and handles. */
#include "vtx.h"

static u32 bad_realloc;
static u32 realloc_calls;

static u32 vtx_realloc_override(u32 align, u32 size) {
  (void)size;
  realloc_calls++;
  if (bad_realloc) return 0xFFFFFFF0u;         /* out of bounds for any memory the plugin has */
  if (align == 4) return (u32)&__heap_base + 2; /* misaligned: only list<tuple<..>> asks for align 4 */
  return 0;
}

VTX_MANIFEST("evil", "Evil", "6.6.6", "Misbehaves on request", "/evil")

VTX_NO_TABLES

VTX_PASS_AUTHENTICATE

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  (void)m; (void)ml; (void)q; (void)ql;
  vtx_string path = { p, pl };
  if (vtx_eq(path, "/trap")) __builtin_trap();
  if (vtx_eq(path, "/loop")) { volatile u32 spin = 0; for (;;) spin++; }
  if (vtx_eq(path, "/grow")) {
    /* Grows 1 MiB at a time until refused; answers 507 with the memory size in 64 KiB pages. */
    while (__builtin_wasm_memory_grow(0, 16) != (unsigned long)-1) {}
    static char pages[24];
    char *end = vtx_utoa(__builtin_wasm_memory_size(0), pages);
    return vtx_respond(507, vtx_text_buffer(pages, (u32)(end - pages)));
  }
  if (vtx_eq(path, "/bad-pointer")) {
    bad_realloc = 1;
    vtx_result_string r;
    vtx_sql_query_json("SELECT 1", 8, 0, 0, &r);
  }
  if (vtx_eq(path, "/bad-length")) vtx_create_memory_buffer((const u8 *)0xFFFFFF00u, 4096);
  if (vtx_eq(path, "/dangling")) {
    s32 h = vtx_create_memory_buffer((const u8 *)"x", 1);
    vtx_buffer_drop(h);
    vtx_buffer_size(h);
  }
  if (vtx_eq(path, "/forged-body")) return vtx_respond(200, 4242);
  if (vtx_eq(path, "/handles")) for (;;) vtx_create_memory_buffer((const u8 *)"x", 1);
  if (vtx_eq(path, "/ok")) return vtx_respond(200, vtx_text_buffer("fine", 4));
  if (vtx_eq(path, "/counts")) {
    /* "<cabi_realloc calls so far>,<post-return calls so far>" */
    static char counts[48];
    char *end = vtx_utoa(realloc_calls, counts);
    *end++ = ',';
    end = vtx_utoa(vtx_post_returns, end);
    return vtx_respond(200, vtx_text_buffer(counts, (u32)(end - counts)));
  }
  return vtx_respond(404, -1);
}
