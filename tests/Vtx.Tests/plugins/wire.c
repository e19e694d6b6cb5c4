/* Wire-format probe at /c: echoes the path and query it is given, answers any status with or without a body,
 * and returns the query-json text of fixed statements (floats, strings, keys, ...). */
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("wire", "Wire", "1.0.0", "Probes what the host passes and how it prints query-json", "/c")

VTX_NO_TABLES

VTX_PASS_AUTHENTICATE

/* The statements behind GET /c/json?NAME; the tests state the serde_json text each must give. */
static const char *const statements[][2] = {
  { "floats", "SELECT 1.0 AS a, 1e21 AS b, 1e-7 AS c, -0.0 AS d, 1e16 AS e, 1e15 AS f, 0.1 AS g, 1.5 AS h, "
              "123456.789 AS i, 1e-5 AS j, 1e-6 AS k, 1e300 AS l, 9e999 AS m, -9e999 AS n, 100.0 AS o, 2.0 * 3 AS p, "
              "1.2345e20 AS q, -1e21 AS r, 0.1 + 0.2 AS s, 5e-7 AS t, 0.0 AS u" },
  { "integers", "SELECT 0 AS a, -1 AS b, 9223372036854775807 AS c, -9223372036854775808 AS d, 9007199254740993 AS e" },
  { "strings", "SELECT 'caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac' AS a, char(8232) AS b, char(8233) AS c, char(127) AS d, "
               "char(31) AS e, char(1) AS f, char(27) AS g, char(8, 9, 10, 12, 13) AS h, char(11) AS i, "
               "'\"\\/' AS j, '<>&''' AS k, char(128512) AS l, '' AS m, 'a' || char(0) || 'b' AS n" },
  { "keys", "SELECT 1 AS b, 2 AS a, 3 AS \"B\", 4 AS \"_\", 5 AS aa, 6 AS \"\xc3\xa9\", 7 AS \"\xef\xbd\x9e\", "
            "8 AS \"\xf0\x9f\x98\x80\", 9 AS k, 10 AS k, 11 AS \"a\"\"b\", 12 AS \"Z\"" },
  { "lossy", "SELECT CAST(X'61E282FF62' AS TEXT) AS a, CAST(X'EDA080' AS TEXT) AS b" },
  { "kinds", "SELECT X'00FF' AS bytes, NULL AS absent" },
  { "rows", "SELECT 1 AS n UNION ALL SELECT 2.5 UNION ALL SELECT 'x'" },
  { "empty", "SELECT 1 AS n WHERE 0" },
};

static u32 parse_status(vtx_string s) {
  u32 v = 0;
  for (u32 i = 0; i < s.len && i < 9; i++) v = v * 10 + (u32)(s.ptr[i] - '0');
  return v;
}

static vtx_http_response *json(vtx_string name) {
  for (u32 i = 0; i < sizeof statements / sizeof statements[0]; i++) {
    if (!vtx_eq(name, statements[i][0])) continue;
    vtx_string sql = vtx_str(statements[i][1]);
    vtx_result_string r;
    vtx_sql_query_json(sql.ptr, sql.len, 0, 0, &r);
    return vtx_respond(r.is_err ? 500 : 200, vtx_text_buffer(r.val.ptr, r.val.len));
  }
  return vtx_respond(404, -1);
}

/* Answers "PATH?QUERY" exactly as received. */
static char echoed[4096];
static vtx_http_response *echo(vtx_string path, vtx_string query) {
  if (path.len + 1 + query.len > sizeof echoed) return vtx_respond(414, -1);
  memcpy(echoed, path.ptr, path.len);
  echoed[path.len] = '?';
  memcpy(echoed + path.len + 1, query.ptr, query.len);
  return vtx_respond(200, vtx_text_buffer(echoed, path.len + 1 + query.len));
}

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  vtx_string method = { m, ml }, path = { p, pl }, query = { q, ql };
  (void)method;
  if (vtx_eq(path, "/status")) return vtx_respond((u16)parse_status(query), vtx_text_buffer("body", 4));
  if (vtx_eq(path, "/status-only")) return vtx_respond((u16)parse_status(query), -1);
  if (vtx_eq(path, "/json")) return json(query);
  return echo(path, query);
}
