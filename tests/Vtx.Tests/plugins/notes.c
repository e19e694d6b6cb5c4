/* CRUD over SQL with migrations, memory buffers and files: every import of world `plugin`. */
#include "vtx.h"

VTX_HONEST_ALLOCATOR

VTX_MANIFEST("notes", "Notes", "1.0.0", "Stores notes in SQL", "/notes")

static vtx_string migrations[2];
VTX_EXPORT("get-migrations") vtx_string_list *get_migrations(void) {
  migrations[0] = vtx_str("CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL)");
  migrations[1] = vtx_str("ALTER TABLE notes ADD COLUMN tag TEXT");
  return vtx_strings(migrations, 2);
}

static vtx_string resources[1];
VTX_EXPORT("get-resources") vtx_string_list *get_resources(void) {
  resources[0] = vtx_str("notes");
  return vtx_strings(resources, 1);
}

VTX_PASS_AUTHENTICATE

static vtx_http_response *add(vtx_string title) {
  vtx_db_value params[3];
  params[0].tag = DB_TEXT; params[0].val.text = title;
  params[1].tag = DB_REAL; params[1].val.real = 1.5;
  params[2].tag = DB_NULL;
  vtx_string sql = vtx_str("INSERT INTO notes(title, score, tag) VALUES (?, ?, ?)");
  vtx_result_u64 r;
  vtx_sql_execute(sql.ptr, sql.len, params, 3, &r);
  if (r.is_err) return vtx_respond(500, vtx_text_buffer(r.val.err.ptr, r.val.err.len));
  static char body[40] = "{\"inserted\":";
  char *end = vtx_utoa(r.val.ok, body + 12);
  *end++ = '}';
  return vtx_respond(201, vtx_text_buffer(body, (u32)(end - body)));
}

static vtx_http_response *list(void) {
  vtx_db_value params[1];
  params[0].tag = DB_INTEGER; params[0].val.integer = 0;
  vtx_string sql = vtx_str("SELECT id, title, score, tag FROM notes WHERE id > ? ORDER BY id");
  vtx_result_string r;
  vtx_sql_query_json(sql.ptr, sql.len, params, 1, &r);
  return vtx_respond(r.is_err ? 500 : 200, vtx_text_buffer(r.val.ptr, r.val.len));
}

static vtx_http_response *bad_sql(void) {
  vtx_db_value params[1];
  params[0].tag = DB_INTEGER; params[0].val.integer = 7;
  vtx_string sql = vtx_str("INSERT INTO missing VALUES (?)");
  vtx_result_u64 r;
  vtx_sql_execute(sql.ptr, sql.len, params, 1, &r);
  if (!r.is_err) return vtx_respond(200, -1);
  return vtx_respond(400, vtx_text_buffer(r.val.err.ptr, r.val.err.len));
}

/* Copies the query into a host buffer, reads part of it back, drops it: answers "<size>:<bytes 1..3>". */
static vtx_http_response *copy(vtx_string query) {
  s32 h = vtx_create_memory_buffer((const u8 *)query.ptr, query.len);
  u64 size = vtx_buffer_size(h);
  vtx_bytes part;
  vtx_buffer_read(h, 1, 3, &part);
  vtx_buffer_drop(h);
  static char body[64];
  char *end = vtx_utoa(size, body);
  *end++ = ':';
  for (u32 i = 0; i < part.len && i < 16; i++) *end++ = (char)part.ptr[i];
  return vtx_respond(200, vtx_text_buffer(body, (u32)(end - body)));
}

static vtx_http_response *file(vtx_string uuid) {
  vtx_result_buffer r;
  vtx_open_file(uuid.ptr, uuid.len, &r);
  if (r.is_err) return vtx_respond(404, vtx_text_buffer(r.val.err.ptr, r.val.err.len));
  return vtx_respond(200, r.val.handle);
}

VTX_EXPORT("handle") vtx_http_response *handle(const char *m, u32 ml, const char *p, u32 pl, const char *q, u32 ql) {
  vtx_string method = { m, ml }, path = { p, pl }, query = { q, ql };
  if (vtx_eq(method, "POST") && vtx_eq(path, "/add")) return add(query);
  if (vtx_eq(method, "GET") && vtx_eq(path, "")) return list();
  if (vtx_eq(path, "/bad-sql")) return bad_sql();
  if (vtx_eq(path, "/copy")) return copy(query);
  if (vtx_eq(path, "/file")) return file(query);
  return vtx_respond(404, -1);
}
