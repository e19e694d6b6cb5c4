using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Discovery;
using Rototo.Json;

namespace Rototo.Lint.Custom;

/// <summary>
/// The custom Lua lint of a workspace (§10): the register pass over <c>lint/*.lua</c> and the handler runs of each
/// stage. Every Lua pass runs in a fresh <see cref="LuaVm"/> on <see cref="LuaWorkers"/> with an outer timeout
/// (<see cref="LuaLimits.OuterTimeout"/>): a pass still running then is reported as timed out and cancelled.
/// </summary>
internal sealed class CustomLint
{
    private readonly Dictionary<string, byte[]> _scripts = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeout;
    private int _callsLeft = LuaLimits.HandlerCalls;

    private CustomLint(TimeSpan timeout) => _timeout = timeout;

    /// <summary>The valid registrations, files in path order, then call order.</summary>
    public List<CustomLintRegistration> Registrations { get; } = [];

    /// <summary>The register stage (§10.2): loads every Lua file, validates its registrations, reports problems.</summary>
    /// <param name="context">The lint so far.</param>
    /// <param name="timeout">Outer timeout of each Lua pass; <see cref="LuaLimits.OuterTimeout"/> unless a test shortens it.</param>
    public static CustomLint Register(LintContext context, TimeSpan? timeout = null)
    {
        var lint = new CustomLint(timeout ?? LuaLimits.OuterTimeout);
        var rules = new Dictionary<string, LintRuleInfo>(StringComparer.Ordinal);
        var files = new List<(WorkspaceDocument Document, LuaJob<PassResult<IReadOnlyList<LuaRegistration>>>? Job)>();
        foreach (var document in context.Snapshot.OfKind(DocumentKind.CustomLint))
        {
            if (document.Error is not null || document.Text is null)
            {
                files.Add((document, null));
                continue;
            }
            var script = Encoding.UTF8.GetBytes(document.Text);
            lint._scripts[document.RelativePath] = script;
            files.Add((document, LuaWorkers.Start(() =>
            {
                using var vm = LuaVm.Start(script, document.RelativePath, out var startError);
                if (startError is not null)
                {
                    return new PassResult<IReadOnlyList<LuaRegistration>>(startError, []);
                }
                var found = vm.Register(out var registerError);
                return new PassResult<IReadOnlyList<LuaRegistration>>(registerError, found);
            })));
        }
        foreach (var (document, job) in files)
        {
            var path = document.RelativePath;
            var entity = DiagnosticEntity.CustomLint(path);
            var outcome = job is null
                ? new PassResult<IReadOnlyList<LuaRegistration>>(document.Error ?? $"failed to read {path}", [])
                : job.Wait(lint._timeout) ?? new PassResult<IReadOnlyList<LuaRegistration>>("custom lint registration exceeded execution timeout", []);
            if (outcome.Error is { } error)
            {
                context.Report("custom-lint-failed", entity, error, document, null);
                continue;
            }
            if (outcome.Value.Count == 0)
            {
                context.Report("custom-lint-file-unregistered", entity, $"custom lint file registers no handlers: {path}", document, null);
                continue;
            }
            lint.Validate(context, document, outcome.Value, rules);
        }
        return lint;
    }

    private void Validate(LintContext context, WorkspaceDocument document, IReadOnlyList<LuaRegistration> registered, Dictionary<string, LintRuleInfo> rules)
    {
        var entity = DiagnosticEntity.CustomLint(document.RelativePath);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in registered)
        {
            if (RegistrationRules.Validate(document.RelativePath, raw, out var registration) is { } problem)
            {
                context.Report("custom-lint-registration-invalid", entity, problem, document, null);
                continue;
            }
            var rule = registration!.Rule;
            if (rules.TryGetValue(rule.Rule, out var declared) && declared != rule)
            {
                context.Report("custom-lint-rule-conflict", entity, $"custom lint rule metadata conflicts: {rule.Rule}", document, null);
                continue;
            }
            rules[rule.Rule] = rule;
            if (!seen.Add(string.Join('\0', raw.Stage, raw.Entity, raw.Field ?? "", raw.RuleId, raw.Handler)))
            {
                context.Report("custom-lint-registration-duplicate", entity, $"custom lint registration duplicates an earlier registration: {raw.Handler}",
                    LintContext.At(document, (Text.TextSpan?)null), new RelatedInformation(LintContext.At(document, (Text.TextSpan?)null), "first matching registration"));
            }
            Registrations.Add(registration);
        }
    }

    /// <summary>Runs the handlers registered for <paramref name="stage"/> over their targets (§10.3), in parallel; reports in target order.</summary>
    public void Run(LintContext context, LintStage stage)
    {
        foreach (var registration in Registrations.Where(r => r.Stage == stage))
        {
            var script = _scripts[registration.Path];
            var targets = CustomLintTarget.Of(context, registration.Entity).ToList();
            if (targets.Count > _callsLeft)
            {
                var file = context.Snapshot.OfKind(DocumentKind.CustomLint).First(d => d.RelativePath == registration.Path);
                context.Report("custom-lint-failed", DiagnosticEntity.CustomLint(registration.Path),
                    $"custom lint handler {registration.Handler} in {registration.Path} not run: the workspace's custom lint would make more than {LuaLimits.HandlerCalls:N0} handler calls",
                    file, null);
                continue;
            }
            _callsLeft -= targets.Count;
            // At most PassesInFlight passes queued or running; each is reported in target order, then dropped.
            var inFlight = new Queue<(CustomLintTarget Target, LuaJob<PassResult<IReadOnlyList<(string, string?)>>> Job)>();
            using var next = targets.GetEnumerator();
            while (true)
            {
                while (inFlight.Count < LuaLimits.PassesInFlight && next.MoveNext())
                {
                    inFlight.Enqueue((next.Current, Start(script, registration, stage, next.Current)));
                }
                if (!inFlight.TryDequeue(out var call))
                {
                    break;
                }
                Report(context, registration, call.Target, call.Job);
            }
        }
    }

    /// <summary>Queues one handler pass over one target.</summary>
    private static LuaJob<PassResult<IReadOnlyList<(string, string?)>>> Start(byte[] script, CustomLintRegistration registration, LintStage stage, CustomLintTarget target)
    {
        var ctx = new JsonObject { ["stage"] = stage.ToWireName(), ["entity"] = registration.Entity, ["target"] = target.For(registration.Field) };
        var expression = LuaLiteral.Of(JsonSerializer.SerializeToElement(ctx, RototoJson.Default.JsonObject));
        return LuaWorkers.Start(() =>
        {
            using var vm = LuaVm.Start(script, registration.Path, out var startError);
            if (startError is not null)
            {
                return new PassResult<IReadOnlyList<(string, string?)>>(startError, []);
            }
            var diagnostics = vm.CallHandler(registration.Handler, expression, out var handlerError);
            return new PassResult<IReadOnlyList<(string, string?)>>(handlerError, diagnostics);
        });
    }

    /// <summary>Waits for one pass and reports what it returned, or why it failed, at its target.</summary>
    private void Report(LintContext context, CustomLintRegistration registration, CustomLintTarget target, LuaJob<PassResult<IReadOnlyList<(string, string?)>>> job)
    {
        var outcome = job.Wait(_timeout) ?? new PassResult<IReadOnlyList<(string, string?)>>("custom lint exceeded execution timeout", []);
        var location = target.LocationOf(registration.Field);
        if (outcome.Error is { } error)
        {
            context.Report("custom-lint-failed", target.Entity, $"custom lint handler failed in {registration.Path}: {error}", location);
            return;
        }
        foreach (var (message, field) in outcome.Value)
        {
            // A returned field that does not parse for the entity falls back to the registration's location (§10.3).
            var at = field is not null && RegistrationRules.IsField(target.Entity.Kind, field) ? target.LocationOf(field) : location;
            context.Report(registration.Rule, target.Entity, message, at);
        }
    }

    /// <summary>What one Lua pass gave: an error message, or its value.</summary>
    private sealed record PassResult<T>(string? Error, T Value);
}
