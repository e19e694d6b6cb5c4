using System.Globalization;
using System.Text;
using CloudRuntimes.Database;

namespace CloudRuntimes.Components.PostgreSql.Database;

/// <summary>
/// The SQL guard of <c>database.postgresql</c>: it reads a statement's tokens (comments, string and dollar-quoted
/// literals and quoted identifiers skipped as PostgreSQL lexes them) before the statement is sent, and refuses, with
/// <see cref="CloudRuntimesErrors.DatabaseForbidden"/> and the reason:
/// <list type="bullet">
/// <item><description>every PostgreSQL command but <c>SELECT</c>, <c>WITH</c>, <c>VALUES</c>, <c>TABLE</c>, <c>INSERT</c>,
/// <c>UPDATE</c>, <c>DELETE</c>, <c>MERGE</c>, <c>TRUNCATE</c>, <c>EXPLAIN</c>, <c>ANALYZE</c>, <c>COMMENT</c>,
/// <c>REFRESH</c>, and <c>CREATE</c>/<c>ALTER</c>/<c>DROP</c> of tables, indexes, views, materialized views, sequences,
/// types, domains and schemas: so no <c>COPY</c> (neither <c>PROGRAM</c> nor files), no <c>SET</c>/<c>RESET</c>, no
/// transaction control, no <c>PREPARE</c>/<c>EXECUTE</c>, cursors, <c>LISTEN</c>, <c>LOAD</c>, <c>DO</c>, <c>CALL</c>,
/// <c>VACUUM</c>, <c>LOCK</c>, no functions, procedures, triggers, extensions, roles or grants;</description></item>
/// <item><description>temporary objects (<c>TEMP</c>/<c>TEMPORARY</c>) and <c>EXECUTE</c>/<c>DECLARE</c> anywhere;</description></item>
/// <item><description>calls of functions that reach the server's files or programs, change or read session state that
/// would outlive the call on a pooled connection, signal other sessions, or run SQL given as text (which would pass
/// around this guard): <c>pg_read_file</c>, <c>pg_read_binary_file</c>, <c>pg_ls_*</c>, <c>pg_stat_file</c>,
/// <c>lo_import</c>, <c>lo_export</c>, <c>pg_file_*</c>, <c>set_config</c>, session advisory locks
/// (<c>pg_advisory_lock</c>, ...; the transaction-scoped <c>pg_advisory_xact_lock</c> is allowed),
/// <c>pg_terminate_backend</c>, <c>pg_cancel_backend</c>, <c>pg_reload_conf</c>, <c>dblink*</c>, <c>query_to_xml*</c>,
/// <c>cursor_to_xml*</c>, <c>pg_notify</c>;</description></item>
/// <item><description>the host's reserved tables (<see cref="ISqlPort.ReservedTablePrefix"/>).</description></item>
/// </list>
/// It also checks that the text is one statement (else <see cref="CloudRuntimesErrors.MalformedRequest"/>
/// "Multiple statements provided"), turns SQLite-style placeholders (<c>?</c>, <c>?NNN</c>) into PostgreSQL's
/// (<c>$N</c>) — so <c>jsonb</c>'s <c>?</c> operators are written <c>jsonb_exists</c>, <c>jsonb_exists_any</c> and
/// <c>jsonb_exists_all</c> — and checks the parameter count. The server enforces the rest: the statement runs alone
/// (extended protocol), under <c>statement_timeout</c>, on a pooled connection that is reset (<c>DISCARD ALL</c>) when it
/// goes back to the pool. A token check cannot know what a function the role may call does: give the component a role
/// that is neither a superuser nor a member of <c>pg_read_server_files</c>, <c>pg_write_server_files</c> or
/// <c>pg_execute_server_program</c>.
/// </summary>
internal static class PostgreSqlGuard
{
    /// <summary>PostgreSQL's other commands (a first word that is no command at all is left to the server's parser, which reports the syntax error).</summary>
    private static readonly HashSet<string> DeniedStatements = new(StringComparer.Ordinal)
    {
        "ABORT", "BEGIN", "CALL", "CHECKPOINT", "CLOSE", "CLUSTER", "COMMIT", "COPY", "DEALLOCATE", "DECLARE", "DISCARD", "DO", "END", "EXECUTE", "FETCH",
        "GRANT", "IMPORT", "LISTEN", "LOAD", "LOCK", "MOVE", "NOTIFY", "PREPARE", "REASSIGN", "REINDEX", "RELEASE", "RESET", "REVOKE", "ROLLBACK",
        "SAVEPOINT", "SECURITY", "SET", "SHOW", "START", "UNLISTEN", "VACUUM",
    };

    /// <summary>What <c>CREATE</c>, <c>ALTER</c> and <c>DROP</c> may name.</summary>
    private static readonly HashSet<string> Objects = new(StringComparer.Ordinal) { "TABLE", "INDEX", "VIEW", "MATERIALIZED", "SEQUENCE", "TYPE", "DOMAIN", "SCHEMA" };

    /// <summary>Words between <c>CREATE</c> and the object kind.</summary>
    private static readonly HashSet<string> CreateModifiers = new(StringComparer.Ordinal) { "OR", "REPLACE", "UNIQUE", "UNLOGGED", "GLOBAL", "LOCAL", "RECURSIVE" };

    private static readonly HashSet<string> DeniedFunctions = new(StringComparer.Ordinal)
    {
        "pg_read_file", "pg_read_binary_file", "pg_stat_file", "lo_import", "lo_export", "set_config", "pg_reload_conf", "pg_rotate_logfile",
        "pg_terminate_backend", "pg_cancel_backend", "pg_promote", "pg_notify", "pg_logdir_ls", "pg_switch_wal", "pg_create_restore_point",
        "pg_backup_start", "pg_backup_stop", "pg_log_backend_memory_contexts", "pg_import_system_collations",
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
        "pg_advisory_unlock", "pg_advisory_unlock_shared", "pg_advisory_unlock_all",
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
    };

    private static readonly string[] DeniedFunctionPrefixes = ["pg_ls_", "pg_file_", "dblink"];

    /// <summary>Checks a statement and returns the text to send, with <c>?</c> placeholders numbered.</summary>
    /// <param name="sql">The statement as the caller wrote it.</param>
    /// <param name="parameterCount">How many parameter values the caller gave.</param>
    /// <returns>The statement with <c>$N</c> placeholders.</returns>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.MalformedRequest"/> (empty, several statements, mixed placeholder styles, wrong
    /// parameter count) or <see cref="CloudRuntimesErrors.DatabaseForbidden"/> (refused, with the reason).
    /// </exception>
    public static string Check(string sql, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = Lexer.Read(sql);
        var words = tokens.Where(t => t.Kind is TokenKind.Word or TokenKind.QuotedName).ToList();
        if (words.Count == 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "The statement is empty");
        }
        CheckStatement(words);
        CheckNames(tokens);
        return Placeholders(sql, tokens, parameterCount);
    }

    private static void CheckStatement(List<Token> words)
    {
        var first = words[0];
        if (first.Kind == TokenKind.Word && DeniedStatements.Contains(first.Upper))
        {
            throw Forbidden($"{first.Text.ToUpperInvariant()} statements are not allowed");
        }
        if (first.Upper is "CREATE" or "ALTER" or "DROP")
        {
            var kind = words.Skip(1).FirstOrDefault(w => w.Kind != TokenKind.Word || !CreateModifiers.Contains(w.Upper));
            if (kind is { Kind: TokenKind.Word, Upper: "TEMP" or "TEMPORARY" })
            {
                throw Forbidden("temporary objects are not allowed");
            }
            if (kind is not { Kind: TokenKind.Word } || !Objects.Contains(kind.Upper))
            {
                throw Forbidden($"{first.Upper} {kind?.Text.ToUpperInvariant() ?? ""} is not allowed (tables, indexes, views, sequences, types, domains and schemas only)".Replace("  ", " ", StringComparison.Ordinal));
            }
        }
        foreach (var word in words.Where(w => w.Kind == TokenKind.Word))
        {
            if (word.Upper is "TEMP" or "TEMPORARY")
            {
                throw Forbidden("temporary objects are not allowed");
            }
            if (word.Upper is "EXECUTE" or "DECLARE")
            {
                throw Forbidden($"{word.Upper} is not allowed");
            }
        }
    }

    private static void CheckNames(List<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind is not (TokenKind.Word or TokenKind.QuotedName))
            {
                continue;
            }
            var name = token.Kind == TokenKind.Word ? token.Text.ToLowerInvariant() : token.Text;
            if (name.StartsWith(ISqlPort.ReservedTablePrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw Forbidden($"table {name} is reserved for the host");
            }
            var called = i + 1 < tokens.Count && tokens[i + 1] is { Kind: TokenKind.Symbol, Text: "(" };
            if (called && (DeniedFunctions.Contains(name) || DeniedFunctionPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))))
            {
                throw Forbidden($"function {name} is not allowed");
            }
        }
    }

    /// <summary>Numbers <c>?</c>/<c>?NNN</c> as <c>$N</c>, and checks the count of either style against the values given.</summary>
    private static string Placeholders(string sql, List<Token> tokens, int parameterCount)
    {
        var questions = tokens.Where(t => t.Kind == TokenKind.Question).ToList();
        var dollars = tokens.Where(t => t.Kind == TokenKind.Dollar).ToList();
        if (questions.Count > 0 && dollars.Count > 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "use either ? or $N placeholders in a statement, not both");
        }
        var text = new StringBuilder(sql.Length + questions.Count * 2);
        var needed = 0;
        var next = 0;
        var copied = 0;
        foreach (var token in questions)
        {
            var index = token.Text.Length > 1 ? Index(token.Text) : next + 1;
            next = Math.Max(next, index);
            needed = Math.Max(needed, index);
            text.Append(sql, copied, token.Start - copied).Append('$').Append(index.ToString(CultureInfo.InvariantCulture));
            copied = token.Start + token.Text.Length;
        }
        text.Append(sql, copied, sql.Length - copied);
        foreach (var token in dollars)
        {
            needed = Math.Max(needed, Index(token.Text));
        }
        if (needed != parameterCount)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"Wrong number of parameters passed to query. Got {parameterCount}, needed {needed}");
        }
        return text.ToString();
    }

    private static int Index(string placeholder) =>
        int.TryParse(placeholder.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index is > 0 and <= 65535
            ? index
            : throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"placeholder {placeholder} is out of range (1 to 65535)");

    private static CloudRuntimesException Forbidden(string reason) => new(CloudRuntimesErrors.DatabaseForbidden, reason);

    private enum TokenKind
    {
        Word,
        QuotedName,
        Symbol,
        Question,
        Dollar,
    }

    /// <summary>A token: a keyword or name (<see cref="Upper"/> is its upper-case form), a quoted name (unquoted text), a symbol, or a placeholder.</summary>
    private sealed record Token(TokenKind Kind, string Text, int Start)
    {
        public string Upper { get; } = Kind == TokenKind.Word ? Text.ToUpperInvariant() : Text;
    }

    /// <summary>PostgreSQL's lexical structure, as far as the guard needs it (strings, comments and literals are skipped).</summary>
    private ref struct Lexer(string sql)
    {
        private readonly List<Token> _tokens = [];
        private int _at;

        public static List<Token> Read(string sql)
        {
            var lexer = new Lexer(sql);
            lexer.Run();
            return lexer._tokens;
        }

        private void Run()
        {
            while (_at < sql.Length)
            {
                var c = sql[_at];
                if (char.IsWhiteSpace(c))
                {
                    _at++;
                }
                else if (Starts("--"))
                {
                    var end = sql.IndexOf('\n', _at);
                    _at = end < 0 ? sql.Length : end + 1;
                }
                else if (Starts("/*"))
                {
                    SkipBlockComment();
                }
                else if (c == '\'')
                {
                    SkipString(backslashes: false);
                }
                else if (c == '"')
                {
                    QuotedName();
                }
                else if (c == '$' && _at + 1 < sql.Length && char.IsAsciiDigit(sql[_at + 1]))
                {
                    Placeholder(TokenKind.Dollar);
                }
                else if (c == '$' && DollarTag() is { } tag)
                {
                    var end = sql.IndexOf(tag, _at + tag.Length, StringComparison.Ordinal);
                    _at = end < 0 ? sql.Length : end + tag.Length;
                }
                else if (c == '?')
                {
                    Placeholder(TokenKind.Question);
                }
                else if (c == ';')
                {
                    _at++;
                    if (_tokens.Count > 0 && Read(sql[_at..]).Count > 0)
                    {
                        throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "Multiple statements provided");
                    }
                    return;
                }
                else if (char.IsLetter(c) || c == '_' || c > 127)
                {
                    Word();
                }
                else
                {
                    _tokens.Add(new Token(TokenKind.Symbol, c.ToString(), _at));
                    _at++;
                }
            }
        }

        private readonly bool Starts(string text) => string.CompareOrdinal(sql, _at, text, 0, text.Length) == 0;

        private void Word()
        {
            var start = _at;
            while (_at < sql.Length && (char.IsLetterOrDigit(sql[_at]) || sql[_at] is '_' or '$' || sql[_at] > 127))
            {
                _at++;
            }
            var text = sql[start.._at];
            var upper = text.ToUpperInvariant();
            // E'...' takes backslash escapes; B'', X'', N'' and U&'' are plain string bodies.
            if (_at < sql.Length && sql[_at] == '\'' && upper is "E" or "B" or "X" or "N")
            {
                SkipString(backslashes: upper is "E");
                return;
            }
            if (upper is "U" && Starts("&'"))
            {
                _at++;
                SkipString(backslashes: false);
                return;
            }
            _tokens.Add(new Token(TokenKind.Word, text, start));
        }

        private void SkipString(bool backslashes)
        {
            _at++;
            while (_at < sql.Length)
            {
                var c = sql[_at++];
                if (backslashes && c == '\\')
                {
                    _at++;
                }
                else if (c == '\'')
                {
                    if (_at < sql.Length && sql[_at] == '\'')
                    {
                        _at++;
                        continue;
                    }
                    return;
                }
            }
        }

        private void QuotedName()
        {
            var start = _at++;
            var name = new StringBuilder();
            while (_at < sql.Length)
            {
                var c = sql[_at++];
                if (c == '"')
                {
                    if (_at < sql.Length && sql[_at] == '"')
                    {
                        name.Append('"');
                        _at++;
                        continue;
                    }
                    break;
                }
                name.Append(c);
            }
            _tokens.Add(new Token(TokenKind.QuotedName, name.ToString(), start));
        }

        private void SkipBlockComment()
        {
            var depth = 0;
            while (_at < sql.Length)
            {
                if (Starts("/*"))
                {
                    depth++;
                    _at += 2;
                }
                else if (Starts("*/"))
                {
                    _at += 2;
                    if (--depth == 0)
                    {
                        return;
                    }
                }
                else
                {
                    _at++;
                }
            }
        }

        /// <summary>The tag of a dollar-quoted string starting here (<c>$$</c>, <c>$body$</c>), or null.</summary>
        private readonly string? DollarTag()
        {
            var end = _at + 1;
            while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_' || sql[end] > 127))
            {
                end++;
            }
            return end < sql.Length && sql[end] == '$' && (end == _at + 1 || !char.IsAsciiDigit(sql[_at + 1])) ? sql[_at..(end + 1)] : null;
        }

        private void Placeholder(TokenKind kind)
        {
            var start = _at++;
            while (_at < sql.Length && char.IsAsciiDigit(sql[_at]))
            {
                _at++;
            }
            _tokens.Add(new Token(kind, sql[start.._at], start));
        }
    }
}
