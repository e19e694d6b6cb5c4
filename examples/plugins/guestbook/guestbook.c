/* The example VTX plugin the runtime server serves by default, at /guestbook:
 *   POST /guestbook?name=Ada   signs the guest book (201 {"signed":1})
 *   GET  /guestbook            lists the entries as JSON ([{"id":1,"name":"Ada"}])
 * Its table lives in the server's database component; build.sh rebuilds guestbook.wasm. */
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("guestbook", "Guest book", "1.0.0", "Signs and lists a guest book in the server's database", "/guestbook")

static vtx_string migrations[1];
VTX_EXPORT("get-migrations") vtx_string_list *get_migrations(void) {
  migrations[0] = vtx_str("CREATE TABLE guestbook_entries(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  return vtx_strings(migrations, 1);
}

static vtx_string resources[1];
VTX_EXPORT("get-resources") vtx_string_list *get_resources(void) {
  resources[0] = vtx_str("guestbook_entries");
  return vtx_strings(resources, 1);
}

VTX_PASS_AUTHENTICATE

/* The value of `name=` in the query (the whole query when it has no `name=`). */
static vtx_string name_of(vtx_string query) {
  if (query.len > 5 && vtx_eq((vtx_string){ query.ptr, 5 }, "name=")) {
    vtx_string rest = { query.ptr + 5, query.len - 5 };
    u32 n = 0;
    while (n < rest.len && rest.ptr[n] != '&') n++;
    rest.len = n;
    return rest;
  }
  return query;
}

static vtx_http_response *sign(vtx_string query) {
  vtx_string name = name_of(query);
  if (name.len == 0) {
    vtx_string message = vtx_str("{\"error\":\"pass ?name=YOUR-NAME\"}");
    return vtx_respond(400, vtx_text_buffer(message.ptr, message.len));
  }
  vtx_db_value params[1];
  params[0].tag = DB_TEXT;
  params[0].val.text = name;
  vtx_string sql = vtx_str("INSERT INTO guestbook_entries(name) VALUES (?)");
  vtx_result_u64 r;
  vtx_sql_execute(sql.ptr, sql.len, params, 1, &r);
  if (r.is_err) return vtx_respond(500, vtx_text_buffer(r.val.err.ptr, r.val.err.len));
  static char body[32] = "{\"signed\":";
  char *end = vtx_utoa(r.val.ok, body + 10);
  *end++ = '}';
  return vtx_respond(201, vtx_text_buffer(body, (u32)(end - body)));
}

static vtx_http_response *list(void) {
  vtx_string sql = vtx_str("SELECT id, name FROM guestbook_entries ORDER BY id");
  vtx_result_string r;
  vtx_sql_query_json(sql.ptr, sql.len, 0, 0, &r);
  return vtx_respond(r.is_err ? 500 : 200, vtx_text_buffer(r.val.ptr, r.val.len));
}

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  vtx_string method = { m, ml }, path = { p, pl }, query = { q, ql };
  if (!vtx_eq(path, "") && !vtx_eq(path, "/")) return vtx_respond(404, -1);
  if (vtx_eq(method, "POST")) return sign(query);
  if (vtx_eq(method, "GET")) return list();
  return vtx_respond(405, -1);
}
