/* An authenticator: Bearer tokens in the authorization header; probes the restricted policy. */
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("gate", "Gate", "0.3.0", "Bearer token authenticator", "/gate")

VTX_NO_TABLES

static vtx_string groups[2];

static vtx_auth_result *deny(u16 status) {
  vtx_auth_ret.is_err = 1;
  vtx_auth_ret.val.err = status;
  return &vtx_auth_ret;
}

static vtx_auth_result *user(const char *id, vtx_string name, u32 group_count, const char *metadata) {
  groups[0] = vtx_str("admin");
  groups[1] = vtx_str("dev");
  vtx_auth_ret.is_err = 0;
  vtx_auth_ret.val.ok.user_id = vtx_str(id);
  vtx_auth_ret.val.ok.username = name;
  vtx_auth_ret.val.ok.groups.ptr = groups;
  vtx_auth_ret.val.ok.groups.len = group_count;
  vtx_auth_ret.val.ok.metadata = vtx_str(metadata);
  return &vtx_auth_ret;
}

VTX_EXPORT("authenticate") vtx_auth_result *authenticate(const vtx_header *headers, u32 count) {
  for (u32 i = 0; i < count; i++) {
    if (vtx_eq(headers[i].key, "x-probe")) {
      /* Reports what a write and a file open answer during authenticate. */
      vtx_string sql = vtx_str("CREATE TABLE probe(x)");
      vtx_result_u64 w;
      vtx_sql_execute(sql.ptr, sql.len, 0, 0, &w);
      vtx_result_buffer f;
      vtx_open_file("x", 1, &f);
      return user("probe", w.is_err ? w.val.err : vtx_str("write allowed"), 0, f.is_err ? "file denied" : "file allowed");
    }
    if (!vtx_eq(headers[i].key, "authorization")) continue;
    if (vtx_eq(headers[i].value, "Bearer alice")) return user("u-1", vtx_str("alice"), 2, "{\"plan\":\"pro\"}");
    if (vtx_eq(headers[i].value, "Bearer blocked")) return deny(403);
  }
  return deny(401);
}

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  (void)m; (void)ml; (void)q; (void)ql;
  vtx_string path = { p, pl };
  if (vtx_eq(path, "/whoami")) return vtx_respond(200, vtx_text_buffer("gate", 4));
  return vtx_respond(404, -1);
}
