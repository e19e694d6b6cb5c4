using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using KeraLua;

namespace Rototo.Lint.Custom;

/// <summary>
/// One fresh, sandboxed Lua 5.4 VM for one custom lint pass (§10.1): base, table, string, utf8 and math only;
/// <see cref="LuaLimits.MemoryBytes"/> of memory through a counting allocator; the instruction and time limits enforced
/// by a Lua-side count hook (sandbox.lua) that asks the host whether the pass's time is up or it was cancelled
/// (<see cref="Cancel"/>); long C calls bounded by <see cref="LuaCallGuard"/>. The host only ever calls the sandbox's
/// driver function with numbers, light userdata and functions loaded by <c>lua_load</c>, so no Lua error can unwind
/// through a managed frame.
/// </summary>
internal sealed class LuaVm : IDisposable
{
    private const int DriverIndex = 1;
    private const int OpRunChunk = 1;
    private const int OpRegister = 2;
    private const int OpHandler = 3;

    // The limit block shared with the allocator and the guards: bytes in use, byte limit, deadline (a Stopwatch timestamp).
    private const int UsedOffset = 0;
    private const int LimitOffset = sizeof(long);
    private const int DeadlineOffset = 2 * sizeof(long);
    private const int BlockSize = 3 * sizeof(long);

    /// <summary>sandbox.lua compiled once; our own bytecode is the only binary chunk a VM ever loads.</summary>
    private static readonly byte[] Sandbox = CompileSandbox();
    private static readonly LuaAlloc Allocator = Allocate;
    private static readonly LuaFunction ExpiredFunction = LuaCallGuard.Expired;
    private static readonly LuaFunction GuardFunction = LuaCallGuard.Guard;

    private readonly Lock _gate = new();
    private readonly IntPtr _block;
    private readonly Lua _lua;
    private bool _disposed;

    private LuaVm()
    {
        _block = Marshal.AllocHGlobal(BlockSize);
        Marshal.WriteInt64(_block, UsedOffset, 0);
        Marshal.WriteInt64(_block, LimitOffset, LuaLimits.MemoryBytes);
        Marshal.WriteInt64(_block, DeadlineOffset, Stopwatch.GetTimestamp() + (long)(LuaLimits.Time.TotalSeconds * Stopwatch.Frequency));
        _lua = new Lua(Allocator, _block) { Encoding = Encoding.UTF8 };
        // The libraries of §10.1, plus debug for the sandbox's hook (removed before any script runs).
        _lua.OpenBasicLibrary();
        _lua.OpenTableLibrary();
        _lua.OpenStringLibrary();
        _lua.OpenUTF8Library();
        _lua.OpenMathLibrary();
        _lua.OpenDebugLibrary();
        _lua.SetTop(0);
        Register("__rototo_expired", ExpiredFunction);
        Register("__rototo_guard", GuardFunction);
        LuaJob.Current?.Attach(this);
    }

    /// <summary>Creates a VM and runs the sandbox and then <paramref name="script"/> in it.</summary>
    /// <param name="script">The Lua file's bytes.</param>
    /// <param name="chunkName">The lint path, shown in Lua error positions.</param>
    /// <param name="error">Why the script could not run, else null.</param>
    /// <returns>The VM; dispose it.</returns>
    public static LuaVm Start(byte[] script, string chunkName, out string? error)
    {
        var vm = new LuaVm();
        error = vm.Prepare(script, chunkName);
        return vm;
    }

    private string? Prepare(byte[] script, string chunkName)
    {
        if (_lua.LoadBuffer(Sandbox, "=sandbox", "b") != LuaStatus.OK)
        {
            return "custom lint sandbox could not start: " + TopString();
        }
        _lua.PushInteger(LuaLimits.Instructions);
        _lua.PushInteger(LuaLimits.CheckEvery);
        if (_lua.PCall(2, 1, 0) != LuaStatus.OK)
        {
            return "custom lint sandbox could not start: " + TopString();
        }
        _lua.PushCopy(DriverIndex);
        _lua.PushInteger(OpRunChunk);
        if (_lua.LoadBuffer(script, "@" + chunkName, "t") != LuaStatus.OK)
        {
            var message = "failed to execute custom lint: " + TopString();
            _lua.SetTop(DriverIndex);
            return message;
        }
        return CallDriver(2) is { } failure ? failure.Error : null;
    }

    /// <summary>Runs <c>register(lint)</c> (§10.2 steps 2–4).</summary>
    /// <param name="error">Why registration failed, else null.</param>
    /// <returns>The registrations in call order (empty on failure).</returns>
    public IReadOnlyList<LuaRegistration> Register(out string? error)
    {
        _lua.PushCopy(DriverIndex);
        _lua.PushInteger(OpRegister);
        var result = CallDriver(1);
        error = result?.Error;
        if (result?.Strings is not { } flat)
        {
            return [];
        }
        var registrations = new List<LuaRegistration>();
        for (var i = 0; i + 8 < flat.Count; i += 9)
        {
            registrations.Add(new LuaRegistration(
                flat[i], flat[i + 1], NullIfEmpty(flat[i + 2]), flat[i + 3], flat[i + 4], flat[i + 5], flat[i + 6], NullIfEmpty(flat[i + 7]), flat[i + 8] == "1", registrations.Count));
        }
        return registrations;
    }

    /// <summary>Calls the global function <paramref name="handler"/> with the context built by <paramref name="contextExpression"/> (§10.3).</summary>
    /// <param name="handler">Global handler function name.</param>
    /// <param name="contextExpression">The <c>ctx</c> table as a Lua expression (<see cref="LuaLiteral"/>), where <c>null</c> is JSON null.</param>
    /// <param name="error">The handler's error, else null.</param>
    /// <returns>The returned diagnostics as (message, field or null).</returns>
    public IReadOnlyList<(string Message, string? Field)> CallHandler(string handler, string contextExpression, out string? error)
    {
        _lua.PushCopy(DriverIndex);
        _lua.PushInteger(OpHandler);
        if (_lua.LoadBuffer(Encoding.UTF8.GetBytes($"local null = ...\nreturn {LuaLiteral.String(handler)}, {contextExpression}"), "=context", "t") != LuaStatus.OK)
        {
            // The expression is well formed: only the target's size or nesting (past Lua's ~200 levels) stops it.
            error = $"the ctx table could not be built: {TopString()}";
            _lua.SetTop(DriverIndex);
            return [];
        }
        _lua.PushLightUserData(IntPtr.Zero);
        var result = CallDriver(3);
        error = result?.Error;
        var diagnostics = new List<(string, string?)>();
        if (result?.Strings is { } flat)
        {
            for (var i = 0; i + 1 < flat.Count; i += 2)
            {
                diagnostics.Add((flat[i], NullIfEmpty(flat[i + 1])));
            }
        }
        return diagnostics;
    }

    private sealed record DriverResult(string? Error, List<string>? Strings);

    /// <summary>Calls the driver pushed with its arguments; returns null for a nil result.</summary>
    private DriverResult? CallDriver(int arguments)
    {
        try
        {
            if (_lua.PCall(arguments, 1, 0) != LuaStatus.OK)
            {
                return new DriverResult(TopString(), null);
            }
            switch (_lua.Type(-1))
            {
                case LuaType.String:
                    return new DriverResult(_lua.ToString(-1, false), null);
                case LuaType.Table:
                    var strings = new List<string>();
                    var length = (long)_lua.RawLen(-1);
                    long bytes = 0;
                    for (var i = 1L; i <= length; i++)
                    {
                        _lua.RawGetInteger(-1, i);
                        var isString = _lua.Type(-1) == LuaType.String;
                        // One Lua string returned n times is n .NET strings: what comes out is bounded as the VM was.
                        bytes += isString ? (long)_lua.RawLen(-1) : 0;
                        if (bytes > LuaLimits.MemoryBytes)
                        {
                            return new DriverResult($"it returned more than {LuaLimits.MemoryBytes / (1024 * 1024)} MiB of text", null);
                        }
                        strings.Add(isString ? _lua.ToString(-1, false) : "");
                        _lua.Pop(1);
                    }
                    return new DriverResult(null, strings);
                default:
                    return null;
            }
        }
        finally
        {
            _lua.SetTop(DriverIndex);
        }
    }

    private string TopString() => _lua.Type(-1) == LuaType.String ? _lua.ToString(-1, false) : "unknown Lua error";

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>Ends the pass at the VM's next limit check: from then on the sandbox sees its time as up. Safe from any thread.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Marshal.WriteInt64(_block, DeadlineOffset, 0);
            }
        }
    }

    /// <summary>True once the deadline in a VM's limit block has passed (or was cleared by <see cref="Cancel"/>).</summary>
    internal static bool IsExpired(IntPtr block) => Stopwatch.GetTimestamp() > Marshal.ReadInt64(block, DeadlineOffset);

    public void Dispose()
    {
        _lua.Dispose();
        lock (_gate)
        {
            _disposed = true;
            Marshal.FreeHGlobal(_block);
        }
    }

    /// <summary>Sets a global C function whose upvalue is this VM's limit block.</summary>
    private void Register(string name, LuaFunction function)
    {
        _lua.PushLightUserData(_block);
        _lua.PushCClosure(function, 1);
        _lua.SetGlobal(name);
    }

    private static byte[] CompileSandbox()
    {
        using var stream = typeof(LuaVm).Assembly.GetManifestResourceStream("Rototo.Lint.Custom.sandbox.lua")
            ?? throw new InvalidOperationException("the custom lint sandbox resource is missing");
        using var source = new MemoryStream();
        stream.CopyTo(source);
        using var lua = new Lua(openLibs: false);
        if (lua.LoadBuffer(source.ToArray(), "=sandbox", "t") != LuaStatus.OK)
        {
            throw new InvalidOperationException("the custom lint sandbox does not compile: " + lua.ToString(-1, false));
        }
        var bytecode = new MemoryStream();
        LuaWriter writer = (_, data, size, _) =>
        {
            var chunk = new byte[(int)size];
            Marshal.Copy(data, chunk, 0, chunk.Length);
            bytecode.Write(chunk);
            return 0;
        };
        lua.Dump(writer, IntPtr.Zero, false);
        GC.KeepAlive(writer);
        return bytecode.ToArray();
    }

    /// <summary>lua_Alloc with a byte budget; returning null makes Lua raise "not enough memory" itself.</summary>
    private static IntPtr Allocate(IntPtr ud, IntPtr ptr, UIntPtr osize, UIntPtr nsize)
    {
        var used = Marshal.ReadInt64(ud, UsedOffset);
        var oldSize = ptr == IntPtr.Zero ? 0L : (long)osize;
        if (nsize == UIntPtr.Zero)
        {
            if (ptr != IntPtr.Zero)
            {
                Marshal.FreeHGlobal(ptr);
                Marshal.WriteInt64(ud, UsedOffset, used - oldSize);
            }
            return IntPtr.Zero;
        }
        var delta = (long)nsize - oldSize;
        if (delta > 0 && used + delta > Marshal.ReadInt64(ud, LimitOffset))
        {
            return IntPtr.Zero;
        }
        IntPtr block;
        try
        {
            block = ptr == IntPtr.Zero ? Marshal.AllocHGlobal((nint)nsize) : Marshal.ReAllocHGlobal(ptr, (nint)nsize);
        }
        catch (OutOfMemoryException)
        {
            return IntPtr.Zero;
        }
        Marshal.WriteInt64(ud, UsedOffset, used + delta);
        return block;
    }
}

/// <summary>One <c>lint:on{...}</c> call as the script made it (§10.2 step 3), before validation.</summary>
internal sealed record LuaRegistration(
    string Stage, string Entity, string? Field, string Handler, string RuleId, string Title, string Help, string? Severity, bool HandlerExists, int Index);
