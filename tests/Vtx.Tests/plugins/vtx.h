/* Hand-written canonical-ABI bindings for world `plugin` of vtx:api@1.2.6 (release 2.2.1),
 * freestanding wasm32: no libc. Layouts follow the component model's CanonicalABI.md;
 * see docs/vtx.md in the repository for the table per function. */
#ifndef VTX_H
#define VTX_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;

typedef struct { const char *ptr; u32 len; } vtx_string;
typedef struct { const u8 *ptr; u32 len; } vtx_bytes;
typedef struct { const vtx_string *ptr; u32 len; } vtx_string_list;

enum { DB_TEXT = 0, DB_INTEGER = 1, DB_REAL = 2, DB_NULL = 3 };
typedef struct { u8 tag; union { vtx_string text; s64 integer; double real; } val; } vtx_db_value;
typedef struct { u8 is_err; union { u64 ok; vtx_string err; } val; } vtx_result_u64;
typedef struct { u8 is_err; vtx_string val; } vtx_result_string;
typedef struct { u8 is_err; union { s32 handle; vtx_string err; } val; } vtx_result_buffer;

typedef struct { u16 status; struct { u8 is_some; s32 handle; } body; } vtx_http_response;
typedef struct { vtx_string id, name, version, description, entrypoint; } vtx_manifest;
typedef struct { vtx_string key, value; } vtx_header;
typedef struct {
  u8 is_err;
  union {
    struct { vtx_string user_id, username; vtx_string_list groups; vtx_string metadata; } ok;
    u16 err;
  } val;
} vtx_auth_result;

#define VTX_IMPORT(iface, field) __attribute__((import_module("vtx:api/" iface "@1.2.6"), import_name(field)))
#define VTX_EXPORT(name) __attribute__((export_name(name)))

VTX_IMPORT("sql", "execute") void vtx_sql_execute(const char *, u32, const vtx_db_value *, u32, vtx_result_u64 *);
VTX_IMPORT("sql", "query-json") void vtx_sql_query_json(const char *, u32, const vtx_db_value *, u32, vtx_result_string *);
VTX_IMPORT("stream-io", "open-file") void vtx_open_file(const char *, u32, vtx_result_buffer *);
VTX_IMPORT("stream-io", "create-memory-buffer") s32 vtx_create_memory_buffer(const u8 *, u32);
VTX_IMPORT("stream-io", "[method]buffer.size") u64 vtx_buffer_size(s32);
VTX_IMPORT("stream-io", "[method]buffer.read") void vtx_buffer_read(s32, u64, u64, vtx_bytes *);
VTX_IMPORT("stream-io", "[resource-drop]buffer") void vtx_buffer_drop(s32);

/* Plugins define this to misbehave on purpose; 0 means an honest allocator. */
static u32 vtx_realloc_override(u32 align, u32 size);

#ifdef VTX_USE_LIBC
/* Built against wasi-libc: allocation comes from malloc. */
#include <stdlib.h>
#include <string.h>

VTX_EXPORT("cabi_realloc") void *cabi_realloc(void *old, u32 old_size, u32 align, u32 new_size) {
  (void)old_size;
  u32 forced = vtx_realloc_override(align, new_size);
  if (forced) return (void *)forced;
  if (new_size == 0) return (void *)align;
  void *p = realloc(old, new_size);
  if (!p) __builtin_trap();
  return p;
}
#else
/* Freestanding: a bump allocator and the few libc pieces clang emits calls to. */
extern u8 __heap_base;
static u32 vtx_heap_top;

void *memcpy(void *dst, const void *src, unsigned long n) {
  u8 *d = dst; const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, unsigned long n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

static void *vtx_alloc(u32 align, u32 size) {
  if (!vtx_heap_top) vtx_heap_top = (u32)&__heap_base;
  u32 p = (vtx_heap_top + align - 1) & ~(align - 1);
  u32 end = p + size;
  u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535u) / 65536u) == (unsigned long)-1) __builtin_trap();
  vtx_heap_top = end;
  return (void *)p;
}

VTX_EXPORT("cabi_realloc") void *cabi_realloc(void *old, u32 old_size, u32 align, u32 new_size) {
  u32 forced = vtx_realloc_override(align, new_size);
  if (forced) return (void *)forced;
  void *p = vtx_alloc(align, new_size);
  if (old && old_size) memcpy(p, old, old_size < new_size ? old_size : new_size);
  return p;
}
#endif

/* ---- small helpers ---- */
static __attribute__((unused)) u32 vtx_strlen(const char *s) { u32 n = 0; while (s[n]) n++; return n; }
static __attribute__((unused)) vtx_string vtx_str(const char *s) { vtx_string r = { s, vtx_strlen(s) }; return r; }
static __attribute__((unused)) int vtx_eq(vtx_string a, const char *b) {
  u32 n = vtx_strlen(b);
  if (a.len != n) return 0;
  for (u32 i = 0; i < n; i++) if (a.ptr[i] != b[i]) return 0;
  return 1;
}
static __attribute__((unused)) char *vtx_utoa(u64 v, char *out) { /* writes digits, returns end */
  char tmp[24]; int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *out++ = tmp[--n];
  return out;
}
static __attribute__((unused)) s32 vtx_text_buffer(const char *s, u32 len) { return vtx_create_memory_buffer((const u8 *)s, len); }

static vtx_http_response vtx_response;
static __attribute__((unused)) vtx_http_response *vtx_respond(u16 status, s32 body) {
  vtx_response.status = status;
  vtx_response.body.is_some = body >= 0;
  vtx_response.body.handle = body >= 0 ? body : 0;
  return &vtx_response;
}

static vtx_string_list vtx_list_ret;
static __attribute__((unused)) vtx_string_list *vtx_strings(const vtx_string *items, u32 count) {
  vtx_list_ret.ptr = items;
  vtx_list_ret.len = count;
  return &vtx_list_ret;
}

static vtx_manifest vtx_manifest_ret;
static vtx_auth_result vtx_auth_ret;

/* ---- export boilerplate shared by the test plugins ---- */
#define VTX_MANIFEST(id_, name_, version_, description_, entrypoint_)           \
  VTX_EXPORT("get-manifest") vtx_manifest *get_manifest(void) {                  \
    vtx_manifest_ret.id = vtx_str(id_);                                          \
    vtx_manifest_ret.name = vtx_str(name_);                                      \
    vtx_manifest_ret.version = vtx_str(version_);                                \
    vtx_manifest_ret.description = vtx_str(description_);                        \
    vtx_manifest_ret.entrypoint = vtx_str(entrypoint_);                          \
    return &vtx_manifest_ret;                                                    \
  }

/* No migrations and no tables. */
#define VTX_NO_TABLES                                                            \
  VTX_EXPORT("get-migrations") vtx_string_list *get_migrations(void) { return vtx_strings(0, 0); } \
  VTX_EXPORT("get-resources") vtx_string_list *get_resources(void) { return vtx_strings(0, 0); }

/* authenticate answers err(401): "not mine, ask the next plugin". */
#define VTX_PASS_AUTHENTICATE                                                    \
  VTX_EXPORT("authenticate") vtx_auth_result *authenticate(const vtx_header *headers, u32 count) { \
    (void)headers; (void)count;                                                  \
    vtx_auth_ret.is_err = 1;                                                     \
    vtx_auth_ret.val.err = 401;                                                  \
    return &vtx_auth_ret;                                                        \
  }

/* cabi_realloc behaves. */
#define VTX_HONEST_ALLOCATOR                                                     \
  static u32 vtx_realloc_override(u32 align, u32 size) { (void)align; (void)size; return 0; }

/* Post-return functions free nothing (the allocator never frees); they count their calls. */
static u32 vtx_post_returns;
#define VTX_POST_RETURN(name, fn) VTX_EXPORT("cabi_post_" name) void fn(void *ret) { (void)ret; vtx_post_returns++; }
VTX_POST_RETURN("get-manifest", vtx_post_manifest)
VTX_POST_RETURN("get-migrations", vtx_post_migrations)
VTX_POST_RETURN("get-resources", vtx_post_resources)
VTX_POST_RETURN("authenticate", vtx_post_authenticate)

#endif
