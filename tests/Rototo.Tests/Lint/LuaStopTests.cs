using System.Globalization;
using Rototo.Discovery;
using Rototo.Lint;
using Rototo.Sources;

namespace Rototo.Tests.Lint;

/// <summary>No parallel tests while these measure the CPU time of the Lua worker threads.</summary>
[CollectionDefinition(nameof(LuaCpuGroup), DisableParallelization = true)]
public sealed class LuaCpuGroup;

/// <summary>
/// A custom lint pass really stops (issue #12): work that escapes the instruction hook (the pattern matcher's
/// backtracking, loops inside table and string functions, finalizers) is refused or bounded, a pass past its outer
/// timeout is cancelled, and afterwards no Lua worker thread keeps burning CPU. The timeout diagnostics are rototo's
/// (rototo.md §10.1).
/// </summary>
[Collection(nameof(LuaCpuGroup))]
public sealed class LuaStopTests
{
    private const string Limits = "custom lint exceeded Lua execution limits";

    public static TheoryData<string, string> EscapingScripts { get; } = new()
    {
        // Catastrophic backtracking inside one C call: (30,000)^8 steps.
        { "local _ = (\"a\"):rep(30000):find(\".-.-.-.-.-.-.-b\")", Limits },
        { "for _ in (\"a\"):rep(30000):gmatch(\".-.-.-.-.-.-.-b\") do end", Limits },
        { "local _ = (\"a\"):rep(30000):gsub(\".-.-.-.-.-.-.-b\", \"\")", Limits },
        { "local _ = (\"a\"):rep(30000):match(\"^(.-)(.-)(.-)(.-)b\")", Limits },
        // A plain search compares up to the needle's length at every position: 4 MB × 2 MB.
        { "local _ = string.find(string.rep(\"a\", 4000000), string.rep(\"a\", 2000000) .. \"b\", 1, true)", Limits },
        // Loops over ranges that need no memory.
        { "table.move({}, 1, math.maxinteger - 1, 2)", Limits },
        { "table.insert(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1, true)", Limits },
        { "table.remove(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1)", Limits },
        // An empty string repeated 2^63 - 1 times is "", answered without the loop.
        { "error(\"rep gave \" .. #string.rep(\"\", math.maxinteger), 0)", "custom lint registration failed: rep gave 0" },
        // A finalizer runs with hooks off, during collection and when the VM closes: refused when it is set.
        {
            "setmetatable({}, { __gc = function() while true do end end })",
            "custom lint registration failed: lint/hostile.lua:2: bad argument #2 to 'setmetatable' (__gc metamethods are not allowed in custom lint)"
        },
    };

    [Theory]
    [MemberData(nameof(EscapingScripts))]
    public void Work_that_escapes_the_hook_ends_the_pass_and_leaves_no_thread_running(string body, string message)
    {
        using var workspace = new TempWorkspace().Write("lint/hostile.lua", $"function register(lint)\n  {body}\nend\n");

        var diagnostics = Linter.Run(WorkspaceDiscovery.Discover(workspace.Root, WorkspaceSourceOptions.Default));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("rototo/custom-lint-failed", LintStage.Register, message), (diagnostic.Rule, diagnostic.Stage, diagnostic.Message));
        AssertLuaThreadsIdle();
    }

    [Fact]
    public void Handler_whose_pattern_would_backtrack_for_ever_fails_for_its_target()
    {
        using var workspace = new TempWorkspace()
            .Write("variables/limit.toml", "schema_version = 1\ntype = \"int\"\n[values]\nstandard = 1\n[resolve]\ndefault = \"standard\"\n")
            .Write("lint/hostile.lua", """
                function check(ctx)
                  local _ = ("a"):rep(30000):find(".-.-.-.-.-.-.-b")
                end
                function register(lint)
                  lint:on{ stage = "policy", entity = "variable", handler = "check", rule = { id = "team/check", title = "Check", help = "Help." } }
                end
                """);

        var diagnostics = Linter.Run(WorkspaceDiscovery.Discover(workspace.Root, WorkspaceSourceOptions.Default));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("rototo/custom-lint-failed", LintStage.Policy, $"custom lint handler failed in lint/hostile.lua: {Limits}"), (diagnostic.Rule, diagnostic.Stage, diagnostic.Message));
        AssertLuaThreadsIdle();
    }

    [Fact]
    public void Pass_past_its_outer_timeout_is_reported_as_timed_out_and_cancelled()
    {
        // Each iteration is a few instructions and a millisecond of allocation: the outer timeout (shortened to 100 ms)
        // comes long before the instruction limit; the cancelled VM stops at its next limit check.
        using var workspace = new TempWorkspace().Write("lint/slow.lua", "function register(lint)\n  for i = 1, 1000000 do local s = string.rep('x', 4000000) end\nend\n");

        var diagnostics = Linter.Run(WorkspaceDiscovery.Discover(workspace.Root, WorkspaceSourceOptions.Default), TimeSpan.FromMilliseconds(100));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("rototo/custom-lint-failed", LintStage.Register, "custom lint registration exceeded execution timeout"), (diagnostic.Rule, diagnostic.Stage, diagnostic.Message));
        AssertLuaThreadsIdle();
    }

    /// <summary>After a short grace, the Lua worker threads use (almost) no CPU for a second.</summary>
    private static void AssertLuaThreadsIdle()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "per-thread CPU time is read from /proc (Linux)");
        Thread.Sleep(300);
        var before = LuaThreadCpu();
        Thread.Sleep(1000);
        var used = LuaThreadCpu() - before;
        Assert.True(used < TimeSpan.FromMilliseconds(150), $"Lua worker threads used {used.TotalMilliseconds} ms of CPU in the second after the pass ended");
    }

    /// <summary>User plus system time of the threads named <c>rototo-lua-lint</c> (/proc/self/task/*/stat, clock ticks of 10 ms).</summary>
    private static TimeSpan LuaThreadCpu()
    {
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended
            }
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (stat[(open + 1)..close] != "rototo-lua-lint")
            {
                continue;
            }
            // After "(comm) ": state is field 3; utime and stime are fields 14 and 15.
            var fields = stat[(close + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
