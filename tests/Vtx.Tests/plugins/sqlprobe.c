/* SQL probe at /sql: runs the percent-encoded statement of the query string through the host's sql import and
 * answers what it gave back, so tests can try any statement a plugin could send (ATTACH, PRAGMA, endless or huge
 * queries, the host's own tables).
 *   GET /sql/exec?SQL   sql.execute     -> 200 "changed N", or 500 with the error text
 *   GET /sql/query?SQL  sql.query-json  -> 200 with the JSON text, or 500 with the error text */
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("sqlprobe", "SQL probe", "1.0.0", "Runs the statement it is given", "/sql")

VTX_NO_TABLES

VTX_PASS_AUTHENTICATE

static int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes the query ('+' is a space) into a buffer from the allocator. */
static vtx_string decode(vtx_string query) {
  char *out = cabi_realloc(0, 0, 1, query.len + 1);
  u32 n = 0;
  for (u32 i = 0; i < query.len; i++) {
    char c = query.ptr[i];
    if (c == '%' && i + 2 < query.len && hex(query.ptr[i + 1]) >= 0 && hex(query.ptr[i + 2]) >= 0) {
      out[n++] = (char)(hex(query.ptr[i + 1]) * 16 + hex(query.ptr[i + 2]));
      i += 2;
    } else {
      out[n++] = c == '+' ? ' ' : c;
    }
  }
  vtx_string r = { out, n };
  return r;
}

static char answer[32];

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  vtx_string path = { p, pl }, query = { q, ql };
  (void)m; (void)ml;
  vtx_string sql = decode(query);
  if (vtx_eq(path, "/exec")) {
    vtx_result_u64 r;
    vtx_sql_execute(sql.ptr, sql.len, 0, 0, &r);
    if (r.is_err) return vtx_respond(500, vtx_text_buffer(r.val.err.ptr, r.val.err.len));
    char *end = vtx_utoa(r.val.ok, answer + 8);
    memcpy(answer, "changed ", 8);
    return vtx_respond(200, vtx_text_buffer(answer, (u32)(end - answer)));
  }
  if (vtx_eq(path, "/query")) {
    vtx_result_string r;
    vtx_sql_query_json(sql.ptr, sql.len, 0, 0, &r);
    return vtx_respond(r.is_err ? 500 : 200, vtx_text_buffer(r.val.ptr, r.val.len));
  }
  return vtx_respond(404, -1);
}
