using System.Globalization;
using System.Text;
using System.Text.Json;
using CloudRuntimes.State;
using Npgsql;
using NpgsqlTypes;

namespace CloudRuntimes.Components.PostgreSql.State;

/// <summary>
/// Translates a <see cref="StateQuery"/> into one SQL query over the <c>value_json</c> (<c>jsonb</c>) column of
/// <c>state.postgresql</c>, so PostgreSQL filters, sorts and pages. Same meaning as the in-process evaluator of the
/// other stores: only unexpired JSON values are results; a dotted path steps through objects only (a missing step, or
/// a step into anything but an object, is a missing value); <c>EQ</c>/<c>NEQ</c>/<c>IN</c> compare as <c>jsonb</c>
/// (numbers by value); <c>GT</c>/<c>GTE</c>/<c>LT</c>/<c>LTE</c> order numbers with numbers and strings with strings
/// (byte order), and fail otherwise; a missing value fails every comparison but <c>NEQ</c> and sorts last (first when
/// descending); ties sort by key. Values of different kinds sort numbers first, then strings, then the rest by their
/// JSON text. The page token is the offset of the next page. Every value from the query is a bound parameter.
/// </summary>
internal static class JsonbQuery
{
    /// <summary>The most parameters one query may bind (paths, values): a bound on hostile queries.</summary>
    private const int MaxParameters = 4096;

    /// <summary>The SQL (selecting <c>key, value, etag</c>, one row more than the page to tell whether another follows) and its parameters.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/>: a bad token, or a query past the size bound.</exception>
    public static (string Sql, List<NpgsqlParameter> Parameters) Build(string table, StateQuery query)
    {
        var builder = new Builder();
        var sql = new StringBuilder($"SELECT key, value, etag FROM {table} WHERE value_json IS NOT NULL AND (expires_at IS NULL OR expires_at > now())");
        if (query.Filter is { } filter)
        {
            sql.Append(" AND ").Append(builder.Filter(filter));
        }
        sql.Append(" ORDER BY ");
        foreach (var sort in query.Sort ?? [])
        {
            var value = builder.Lookup(sort.Key);
            var direction = sort.Descending ? "DESC" : "ASC";
            sql.Append(CultureInfo.InvariantCulture, $"({value} IS NULL) {(sort.Descending ? "DESC" : "ASC")}, ")
               .Append(CultureInfo.InvariantCulture, $"(CASE WHEN jsonb_typeof({value}) = 'number' THEN ({value} #>> '{{}}')::numeric END) {direction} NULLS LAST, ")
               .Append(CultureInfo.InvariantCulture, $"(CASE WHEN jsonb_typeof({value}) = 'string' THEN {value} #>> '{{}}' END) COLLATE \"C\" {direction} NULLS LAST, ")
               .Append(CultureInfo.InvariantCulture, $"({value})::text COLLATE \"C\" {direction}, ");
        }
        sql.Append("key COLLATE \"C\"");
        sql.Append(CultureInfo.InvariantCulture, $" OFFSET {Offset(query)}");
        if (query.Limit is { } limit)
        {
            sql.Append(CultureInfo.InvariantCulture, $" LIMIT {limit + 1L}");
        }
        return (sql.ToString(), builder.Parameters);
    }

    /// <summary>Cuts the page from the rows <see cref="Build"/> selected and sets the next token.</summary>
    public static StateQueryResponse Page(StateQuery query, List<StateQueryItem> rows)
    {
        if (query.Limit is not { } limit || rows.Count <= limit)
        {
            return new StateQueryResponse(rows, null);
        }
        return new StateQueryResponse(rows[..limit], (Offset(query) + limit).ToString(CultureInfo.InvariantCulture));
    }

    private static long Offset(StateQuery query) =>
        query.Token is not { } token ? 0
        : long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset
        : throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state query: page token '{token}' was not given by this store");

    private sealed class Builder
    {
        public List<NpgsqlParameter> Parameters { get; } = [];

        public string Filter(JsonElement filter)
        {
            var op = filter.EnumerateObject().Single();
            if (op.Name is "AND" or "OR")
            {
                var parts = op.Value.EnumerateArray().Select(Filter).ToList();
                return parts.Count == 0 ? (op.Name == "AND" ? "TRUE" : "FALSE") : "(" + string.Join($" {op.Name} ", parts) + ")";
            }
            var condition = op.Value.EnumerateObject().Single();
            var value = Lookup(condition.Name);
            return op.Name switch
            {
                "EQ" => $"({value} = {Json(condition.Value)})",
                "NEQ" => $"({value} IS NULL OR {value} <> {Json(condition.Value)})",
                "IN" => $"({value} = ANY({JsonArray(condition.Value)}))",
                "GT" => Compare(value, ">", condition.Value),
                "GTE" => Compare(value, ">=", condition.Value),
                "LT" => Compare(value, "<", condition.Value),
                _ => Compare(value, "<=", condition.Value),
            };
        }

        /// <summary>The value at a dotted path: <c>value_json #&gt; path</c> when every step before the last is an object, else NULL.</summary>
        public string Lookup(string path)
        {
            var steps = path.Split('.');
            var objects = new StringBuilder("jsonb_typeof(value_json) = 'object'");
            for (var i = 1; i < steps.Length; i++)
            {
                objects.Append(CultureInfo.InvariantCulture, $" AND jsonb_typeof(value_json #> {Path(steps[..i])}) = 'object'");
            }
            return $"(CASE WHEN {objects} THEN value_json #> {Path(steps)} END)";
        }

        private string Compare(string value, string op, JsonElement operand) => operand.ValueKind switch
        {
            JsonValueKind.Number => $"(jsonb_typeof({value}) = 'number' AND {value} {op} {Json(operand)})",
            JsonValueKind.String => $"(jsonb_typeof({value}) = 'string' AND ({value} #>> '{{}}') COLLATE \"C\" {op} {Add(new NpgsqlParameter<string> { TypedValue = operand.GetString() })})",
            _ => "FALSE",
        };

        private string Path(string[] steps) => Add(new NpgsqlParameter<string[]> { TypedValue = steps });

        private string Json(JsonElement value) => Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value.GetRawText() });

        private string JsonArray(JsonElement values) =>
            Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = values.EnumerateArray().Select(v => v.GetRawText()).ToArray() });

        private string Add(NpgsqlParameter parameter)
        {
            if (Parameters.Count == MaxParameters)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state query: the query is too large (more than {MaxParameters} paths and values)");
            }
            Parameters.Add(parameter);
            return "$" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
        }
    }
}
