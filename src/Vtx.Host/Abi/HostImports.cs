using System.Text;
using Vtx.Protocol;
using Wasmtime;

namespace Vtx.Host.Abi;

/// <summary>
/// The imports of world <c>plugin</c> as core functions (legacy wit-bindgen names: module
/// <c>vtx:api/&lt;interface&gt;@1.2.6</c>), lifting their arguments from and lowering their results
/// into guest memory per CanonicalABI.md. Exceptions thrown here trap the calling plugin.
/// </summary>
internal static class HostImports
{
    public const string SqlModule = "vtx:api/sql@1.2.6";
    public const string StreamIoModule = "vtx:api/stream-io@1.2.6";

    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Functions = new Dictionary<string, IReadOnlySet<string>>
    {
        [SqlModule] = new HashSet<string> { "execute", "query-json" },
        [StreamIoModule] = new HashSet<string> { "open-file", "create-memory-buffer", "[method]buffer.size", "[method]buffer.read", "[resource-drop]buffer" },
    };

    private const int DbValueSize = 16;

    public static void Define(Linker linker)
    {
        linker.DefineFunction(SqlModule, "execute", (Caller caller, int statement, int statementLength, int parameters, int parameterCount, int result) =>
            Execute(Context(caller), statement, statementLength, parameters, parameterCount, result));
        linker.DefineFunction(SqlModule, "query-json", (Caller caller, int statement, int statementLength, int parameters, int parameterCount, int result) =>
            QueryJson(Context(caller), statement, statementLength, parameters, parameterCount, result));
        linker.DefineFunction(StreamIoModule, "open-file", (Caller caller, int uuid, int uuidLength, int result) =>
            OpenFile(Context(caller), uuid, uuidLength, result));
        linker.DefineFunction(StreamIoModule, "create-memory-buffer", (Caller caller, int data, int length) =>
            CreateMemoryBuffer(Context(caller), data, length));
        linker.DefineFunction(StreamIoModule, "[method]buffer.size", (Caller caller, int handle) =>
            (long)Context(caller).Handles.Get(handle, "[method]buffer.size").Size);
        linker.DefineFunction(StreamIoModule, "[method]buffer.read", (Caller caller, int handle, long offset, long maxBytes, int result) =>
            Read(Context(caller), handle, offset, maxBytes, result));
        linker.DefineFunction(StreamIoModule, "[resource-drop]buffer", (Caller caller, int handle) =>
            Context(caller).Handles.Drop(handle));
    }

    private static CallContext Context(Caller caller) => (CallContext)caller.GetData()!;

    private static void Execute(CallContext context, int statement, int statementLength, int parameters, int parameterCount, int result)
    {
        var memory = context.Memory;
        var (sql, values) = ReadSqlArguments(memory, "sql.execute", statement, statementLength, parameters, parameterCount);
        memory.CheckRange(result, 16, 8, "sql.execute result pointer");
        var outcome = context.Sql.Execute(sql, values);
        if (outcome.IsOk)
        {
            memory.WriteByte(result, 0, "sql.execute result");
            memory.WriteInt64(result + 8, (long)outcome.Value, "sql.execute result");
        }
        else
        {
            var (address, length) = memory.WriteString(outcome.Error, "sql.execute error");
            memory.WriteByte(result, 1, "sql.execute result");
            memory.WriteInt32(result + 8, address, "sql.execute result");
            memory.WriteInt32(result + 12, length, "sql.execute result");
        }
    }

    private static void QueryJson(CallContext context, int statement, int statementLength, int parameters, int parameterCount, int result)
    {
        var memory = context.Memory;
        var (sql, values) = ReadSqlArguments(memory, "sql.query-json", statement, statementLength, parameters, parameterCount);
        memory.CheckRange(result, 12, 4, "sql.query-json result pointer");
        // The database's SQL port stops the query at its result limit while rows stream.
        var outcome = context.Sql.QueryJson(sql, values);

        WriteStringResult(memory, result, outcome.IsOk, outcome.IsOk ? outcome.Value : outcome.Error, "sql.query-json");
    }

    private static void OpenFile(CallContext context, int uuid, int uuidLength, int result)
    {
        var memory = context.Memory;
        var id = memory.ReadString(uuid, uuidLength, "stream-io.open-file uuid");
        memory.CheckRange(result, 12, 4, "stream-io.open-file result pointer");
        var outcome = context.StreamIo.OpenFile(id);
        if (outcome.IsOk)
        {
            var handle = context.Handles.Insert(outcome.Value);
            memory.WriteByte(result, 0, "stream-io.open-file result");
            memory.WriteInt32(result + 4, handle, "stream-io.open-file result");
        }
        else
        {
            WriteStringResult(memory, result, false, outcome.Error, "stream-io.open-file");
        }
    }

    private static int CreateMemoryBuffer(CallContext context, int data, int length)
    {
        var bytes = context.Memory.Span(data, length, 1, "stream-io.create-memory-buffer data");
        context.MemoryBufferBytes += length;
        if (context.MemoryBufferBytes > context.Options.MaxMemoryBufferBytes)
        {
            throw new VtxPluginException(VtxErrorCode.ResourceLimit,
                $"Plugin '{context.PluginId}' put more than {context.Options.MaxMemoryBufferBytes} bytes into memory buffers.", context.PluginId);
        }

        return context.Handles.Insert(context.StreamIo.CreateMemoryBuffer(bytes));
    }

    private static void Read(CallContext context, int handle, long offset, long maxBytes, int result)
    {
        var buffer = context.Handles.Get(handle, "[method]buffer.read");
        var memory = context.Memory;
        memory.CheckRange(result, 8, 4, "[method]buffer.read result pointer");
        var bytes = buffer.Read((ulong)offset, Math.Min((ulong)maxBytes, (ulong)context.Options.MaxBufferReadBytes));
        var (address, length) = memory.WriteBytes(bytes, "[method]buffer.read data");
        memory.WriteInt32(result, address, "[method]buffer.read result");
        memory.WriteInt32(result + 4, length, "[method]buffer.read result");
    }

    /// <summary>Writes a <c>result&lt;string, string&gt;</c>-shaped value: disc u8 @0, (ptr, len) @4.</summary>
    private static void WriteStringResult(GuestMemory memory, int result, bool ok, string text, string what)
    {
        var (address, length) = memory.WriteString(text, what);
        memory.WriteByte(result, ok ? (byte)0 : (byte)1, what);
        memory.WriteInt32(result + 4, address, what);
        memory.WriteInt32(result + 8, length, what);
    }

    /// <summary>Lifts the <c>(statement: string, params: list&lt;db-value&gt;)</c> arguments of both sql functions.</summary>
    private static (string Sql, DbValue[] Values) ReadSqlArguments(GuestMemory memory, string function, int statement, int statementLength, int parameters, int parameterCount) =>
        (memory.ReadString(statement, statementLength, function + " statement"), ReadDbValues(memory, parameters, parameterCount, function + " params"));

    /// <summary>Lifts <c>list&lt;db-value&gt;</c>: 16-byte elements, align 8, disc u8 @0, payload @8.</summary>
    private static DbValue[] ReadDbValues(GuestMemory memory, int address, int count, string what)
    {
        memory.CheckRange(address, (long)(uint)count * DbValueSize, 8, what);
        var values = new DbValue[count];
        for (var i = 0; i < count; i++)
        {
            var element = address + (i * DbValueSize);
            var item = $"{what}[{i}]";
            values[i] = memory.ReadByte(element, item) switch
            {
                0 => new DbValue.Text(memory.ReadStringAt(element + 8, item)),
                1 => new DbValue.Integer(memory.ReadInt64(element + 8, item)),
                2 => new DbValue.Real(memory.ReadDouble(element + 8, item)),
                3 => DbValue.NullValue,
                var tag => throw memory.Violation($"{item}: invalid db-value discriminant {tag}"),
            };
        }

        return values;
    }
}
