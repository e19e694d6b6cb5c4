using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Discovery;
using Rototo.Lint;
using Rototo.Lint.Checks;
using Rototo.Runtime;
using Rototo.Sources;

namespace Rototo;

/// <summary>
/// A loaded rototo workspace (§14.1): its files, its lint, and (when loaded with lint) an immutable
/// runtime model that resolves variables and qualifiers. Thread-safe: resolution never mutates the workspace.
/// </summary>
public sealed class Workspace
{
    private const int StackStateLimit = 512;

    private readonly WorkspaceSnapshot _snapshot;
    private readonly RuntimeModel? _runtime;

    private Workspace(StagedWorkspace staged, WorkspaceSnapshot snapshot, RuntimeModel? runtime)
    {
        Source = staged;
        _snapshot = snapshot;
        _runtime = runtime;
        Inspection = WorkspaceInspection.From(snapshot);
    }

    /// <summary>The staged source: parsed source string and the local root directory.</summary>
    public StagedWorkspace Source { get; }

    /// <summary>The workspace root directory (canonical).</summary>
    public string Root => _snapshot.Root!;

    /// <summary>What the workspace contains.</summary>
    public WorkspaceInspection Inspection { get; }

    /// <summary>True when the workspace can resolve (loaded with <see cref="LintMode.Deny"/>).</summary>
    public bool HasRuntime => _runtime is not null;

    /// <summary>The context schema (<c>schemas/context.schema.json</c>), when the workspace has a runtime and one.</summary>
    public JsonElement? ContextSchema => _runtime?.ContextSchema?.Source;

    internal RuntimeModel Runtime => _runtime ?? throw new RototoException(RototoErrorCode.NoRuntime, "workspace was loaded without a runtime model; use Workspace::load with lint enabled");

    /// <summary>
    /// Loads a workspace: stage the source, check the manifest, lint (refusing any error diagnostic unless
    /// <see cref="LintMode.Skip"/>), compile the runtime model (§14.1 load sequence).
    /// </summary>
    /// <param name="source">Any workspace source (§12): a local path, <c>file://</c>, <c>git+file|https|ssh://…#ref:subdir</c> or an <c>https://</c> archive; <c>extends</c> is applied (§13).</param>
    /// <param name="options">Load options; null for defaults.</param>
    /// <param name="cancellationToken">Cancels staging.</param>
    /// <returns>The loaded workspace.</returns>
    /// <exception cref="RototoException">The source, manifest, lint or compile failed. A lint failure's message is rototo's
    /// <c>workspace lint failed with {N} diagnostic(s)</c> (N counting warnings too) followed by one line per error diagnostic,
    /// <c>  error[{rule}]: {path}:{line}:{column}: {message}</c>, at most 20 of them, then <c>  ... and {M} more error(s)</c>.</exception>
    /// <exception cref="ArgumentException">An option value is invalid.</exception>
    public static async Task<Workspace> LoadAsync(string source, WorkspaceLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new WorkspaceLoadOptions();
        options.Validate();
        var staged = await WorkspaceSources.StageAsync(source, options.Sources, cancellationToken).ConfigureAwait(false);
        return LoadStaged(staged, options.Lint);
    }

    /// <summary>Checks, lints and compiles an already staged source; releases its temporary files when that fails.</summary>
    internal static Workspace LoadStaged(StagedWorkspace staged, LintMode lint)
    {
        try
        {
            var snapshot = DiscoverChecked(staged);
            if (lint == LintMode.Skip)
            {
                return new Workspace(staged, snapshot, null);
            }
            var errors = new DiagnosticCollector(LintFailureErrorsListed, d => d.Severity == LintSeverity.Error);
            var result = LintMeasured(snapshot, errors, staged.Source.Original);
            if (result.HasErrors)
            {
                throw new RototoException(RototoErrorCode.LintFailed, LintFailure(result, errors.Sorted()));
            }
            return new Workspace(staged, snapshot, RuntimeCompiler.Compile(snapshot));
        }
        catch
        {
            staged.Release();
            throw;
        }
    }

    /// <summary>Most error diagnostics a lint failure's message lists; the rest are counted (a workspace can have millions).</summary>
    internal const int LintFailureErrorsListed = 20;

    /// <summary>
    /// <c>workspace lint failed with {N} diagnostic(s)</c>, then the first <see cref="LintFailureErrorsListed"/> error diagnostics
    /// one a line, then <c>  ... and {M} more error(s)</c> when there are more.
    /// </summary>
    private static string LintFailure(LintContext lint, IReadOnlyList<LintDiagnostic> listed)
    {
        var message = new System.Text.StringBuilder($"workspace lint failed with {lint.Errors + lint.Warnings} diagnostic(s)");
        foreach (var error in listed)
        {
            message.Append("\n  ").Append(error);
        }
        if (lint.Errors > LintFailureErrorsListed)
        {
            message.Append($"\n  ... and {lint.Errors - LintFailureErrorsListed} more error(s)");
        }
        return message.ToString();
    }

    /// <summary>
    /// Lints a load's snapshot inside a <c>rototo.workspace.lint</c> activity, counting its time and diagnostics
    /// (<see cref="Refresh.RototoTelemetry"/>). A load needs only the counts and the errors its failure lists:
    /// <paramref name="errors"/> keeps the first <see cref="LintFailureErrorsListed"/> errors and counts the rest, whatever their number.
    /// </summary>
    private static LintContext LintMeasured(WorkspaceSnapshot snapshot, DiagnosticCollector errors, string source)
    {
        using var activity = Refresh.RototoTelemetry.ActivitySource.StartActivity("rototo.workspace.lint");
        activity?.SetTag(Refresh.RototoTelemetry.SourceTag, source);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var lint = Linter.Run(snapshot, errors);
        var sourceTag = new KeyValuePair<string, object?>(Refresh.RototoTelemetry.SourceTag, source);
        Refresh.RototoTelemetry.LintDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, sourceTag);
        Refresh.RototoTelemetry.LintDiagnostics.Add(lint.Errors, new KeyValuePair<string, object?>("severity", "error"), sourceTag);
        Refresh.RototoTelemetry.LintDiagnostics.Add(lint.Warnings, new KeyValuePair<string, object?>("severity", "warning"), sourceTag);
        activity?.SetTag("rototo.lint.errors", lint.Errors);
        activity?.SetTag("rototo.lint.warnings", lint.Warnings);
        return lint;
    }

    /// <summary>Opens a workspace for tools (inspection and lint only; it cannot resolve).</summary>
    /// <param name="source">Any workspace source (§12).</param>
    /// <param name="sourceOptions">How remote sources are fetched; null for rototo's defaults.</param>
    /// <param name="cancellationToken">Cancels staging.</param>
    /// <returns>The workspace, without a runtime model.</returns>
    /// <exception cref="RototoException">The source could not be staged or the manifest is missing or invalid.</exception>
    public static async Task<Workspace> InspectAsync(string source, WorkspaceSourceOptions? sourceOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var staged = await WorkspaceSources.StageAsync(source, sourceOptions, cancellationToken).ConfigureAwait(false);
        return LoadStaged(staged, LintMode.Skip);
    }

    /// <summary>Opens a workspace directory for the CLI's <c>resolve</c>: compiles without refusing lint errors (§1).</summary>
    internal static Workspace OpenForResolution(StagedWorkspace staged)
    {
        var snapshot = DiscoverChecked(staged);
        return new Workspace(staged, snapshot, RuntimeCompiler.Compile(snapshot));
    }

    /// <summary>Lints the workspace again from disk (§9), with the file size limit it was loaded with (<see cref="WorkspaceSourceOptions.MaxFileBytes"/>).</summary>
    /// <param name="cancellationToken">Not observed during the synchronous lint.</param>
    /// <returns>Documents and the first <see cref="WorkspaceLint.MaxDiagnostics"/> diagnostics; the rest are counted (<see cref="WorkspaceLint.NotShown"/>).</returns>
    public Task<WorkspaceLint> LintAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(WorkspaceLint.Run(WorkspaceDiscovery.Discover(Root, Source.Options)));

    /// <summary>
    /// Reads a file of the workspace that is not one of its documents (e.g. <c>contexts/default.json</c>) as documents are
    /// read: it must lie inside the workspace once links are followed and be a regular file, and it is at most
    /// <see cref="WorkspaceSourceOptions.MaxFileBytes"/> of the options the workspace was loaded with, checked before it is read.
    /// </summary>
    /// <param name="relativePath">The file's '/'-separated path below <see cref="Root"/>.</param>
    /// <returns>Its text (UTF-8, or the encoding a byte order mark names); null when there is no such file.</returns>
    /// <exception cref="RototoException"><see cref="RototoErrorCode.Workspace"/>: <c>failed to read {relativePath}: {reason}</c>,
    /// e.g. <c>file is {size} bytes, over the limit of {limit} bytes for a workspace file</c> or <c>path escapes workspace</c>.</exception>
    public string? ReadFileText(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        if (!Path.Exists(path))
        {
            return null;
        }
        try
        {
            return WorkspaceFiles.ReadText(Root, path, Source.Options.MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Workspace, $"failed to read {relativePath}: {e.Message}", e);
        }
    }

    /// <summary>Validates a context against the context schema (§6); remembers success on the context.</summary>
    /// <param name="context">The context.</param>
    /// <exception cref="RototoException"><c>resolve context does not match schema: {error}</c>, or no runtime.</exception>
    public void ValidateContext(ResolveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runtime = Runtime;
        if (context.IsValidatedBy(runtime))
        {
            return;
        }
        if (runtime.ContextSchema?.Violation(context.Root) is { } error)
        {
            var location = error.Path.Length == 0 ? null : $"context {error.Path}";
            throw new RototoException(RototoErrorCode.InvalidContext, $"resolve context does not match schema: {error.Message}", location);
        }
        context.MarkValidatedBy(runtime, runtime.IndexContext(context.Root));
    }

    /// <summary>
    /// Resolves a variable synchronously: rules in file order, first matching qualifier wins, else the default (§5).
    /// With an already-validated context this path does not allocate.
    /// </summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context.</param>
    /// <param name="validateContext">Validate against the context schema first (default true; a context validated before is not validated again).</param>
    /// <returns>The shared, immutable resolution.</returns>
    /// <exception cref="RototoException">Unknown variable, invalid context, missing context attribute, qualifier cycle, or no runtime.</exception>
    public VariableResolution ResolveVariable(string id, ResolveContext context, bool validateContext = true)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(context);
        var runtime = Runtime;
        var variable = VariableOf(runtime, id);
        if (validateContext)
        {
            ValidateContext(context);
        }
        var count = runtime.Qualifiers.Length;
        var states = count <= StackStateLimit ? stackalloc byte[count] : new byte[count];
        var resolution = Evaluator.ResolveVariable(runtime, variable, context.Root, context.ValuesFor(runtime), states, null);
        Refresh.RototoTelemetry.CountResolution(variable: true, Source.Source.Original);
        return resolution;
    }

    /// <summary>Resolves a qualifier synchronously (§4).</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="context">The context.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">Unknown qualifier, invalid context, missing context attribute, qualifier cycle, or no runtime.</exception>
    public QualifierResolution ResolveQualifier(string id, ResolveContext context, bool validateContext = true)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(context);
        var runtime = Runtime;
        var index = QualifierIndex(runtime, id);
        if (validateContext)
        {
            ValidateContext(context);
        }
        var count = runtime.Qualifiers.Length;
        var states = count <= StackStateLimit ? stackalloc byte[count] : new byte[count];
        var resolution = new QualifierResolution(id, Evaluator.ResolveQualifier(runtime, index, context.Root, context.ValuesFor(runtime), states, null));
        Refresh.RototoTelemetry.CountResolution(variable: false, Source.Source.Original);
        return resolution;
    }

    /// <summary>Resolves a variable (§5). See <see cref="ResolveVariable(string, ResolveContext, bool)"/>.</summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As for the synchronous method.</exception>
    public Task<VariableResolution> ResolveVariableAsync(string id, ResolveContext context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveVariable(id, context, validateContext));

    /// <summary>Resolves a variable with a <see cref="JsonObject"/> context.</summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context object.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As for the synchronous method.</exception>
    public Task<VariableResolution> ResolveVariableAsync(string id, JsonObject context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveVariable(id, ResolveContext.From(context), validateContext));

    /// <summary>Resolves a variable with a <see cref="JsonElement"/> context (must be an object).</summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context element.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">Not an object (<c>resolve context must be a JSON object</c>), or as for the synchronous method.</exception>
    public Task<VariableResolution> ResolveVariableAsync(string id, JsonElement context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveVariable(id, ResolveContext.From(context), validateContext));

    /// <summary>Resolves a variable with a context given as JSON text.</summary>
    /// <param name="id">Variable id.</param>
    /// <param name="contextJson">JSON text of an object.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">Invalid JSON, not an object, or as for the synchronous method.</exception>
    public Task<VariableResolution> ResolveVariableAsync(string id, string contextJson, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveVariable(id, ResolveContext.FromJson(contextJson), validateContext));

    /// <summary>Resolves a qualifier (§4).</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="context">The context.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As for the synchronous method.</exception>
    public Task<QualifierResolution> ResolveQualifierAsync(string id, ResolveContext context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveQualifier(id, context, validateContext));

    /// <summary>Resolves a qualifier with a <see cref="JsonObject"/> context.</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="context">The context object.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As for the synchronous method.</exception>
    public Task<QualifierResolution> ResolveQualifierAsync(string id, JsonObject context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveQualifier(id, ResolveContext.From(context), validateContext));

    /// <summary>Resolves a qualifier with a <see cref="JsonElement"/> context (must be an object).</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="context">The context element.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">Not an object, or as for the synchronous method.</exception>
    public Task<QualifierResolution> ResolveQualifierAsync(string id, JsonElement context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveQualifier(id, ResolveContext.From(context), validateContext));

    /// <summary>Resolves a qualifier with a context given as JSON text.</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="contextJson">JSON text of an object.</param>
    /// <param name="validateContext">Validate against the context schema first (default true).</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">Invalid JSON, not an object, or as for the synchronous method.</exception>
    public Task<QualifierResolution> ResolveQualifierAsync(string id, string contextJson, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Run(() => ResolveQualifier(id, ResolveContext.FromJson(contextJson), validateContext));

    /// <summary>
    /// Resolves a variable and explains how (§8.2 <c>VariableTrace</c>, as <c>rototo resolve --json</c> prints it):
    /// <c>{resolution: {id, value_key, value}, default_value, rules: [{index, qualifier, value, matched}],
    /// qualifier_traces: [{id, value, predicates: [{index, kind, attribute, op?, expected?, actual, bucket?, result}]}]}</c>.
    /// Always validates the context.
    /// </summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context.</param>
    /// <returns>The trace as a new JSON object.</returns>
    /// <exception cref="RototoException">Unknown variable, invalid context, missing context attribute, or no runtime.</exception>
    public JsonObject TraceVariableJson(string id, ResolveContext context)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(context);
        // Written as rototo prints it (serde_json's number and key order), then read back as plain JSON nodes.
        var options = new JsonDocumentOptions { MaxDepth = Json.NestingLimits.Written };
        return JsonNode.Parse(Json.SerdeJson.Compact(TraceVariable(id, context).ToJson()), documentOptions: options)!.AsObject();
    }

    /// <summary>Resolves a variable with a trace (CLI <c>--json</c>, §8.2); always validates the context.</summary>
    internal VariableTrace TraceVariable(string id, ResolveContext context)
    {
        var runtime = Runtime;
        var variable = VariableOf(runtime, id);
        ValidateContext(context);
        var sink = new TraceSink();
        var resolution = Evaluator.ResolveVariable(runtime, variable, context.Root, null, new byte[runtime.Qualifiers.Length], sink);
        return new VariableTrace(resolution, variable.Default.ValueKey, sink.Rules, OrderedTraces(sink));
    }

    /// <summary>Resolves qualifiers in one shared state with traces (§5 multi-target); returns each top-level trace.</summary>
    internal List<QualifierTrace> TraceQualifiers(IEnumerable<string> ids, ResolveContext context)
    {
        var runtime = Runtime;
        var indexes = ids.Select(id => QualifierIndex(runtime, id)).ToList();
        ValidateContext(context);
        var sink = new TraceSink();
        var states = new byte[runtime.Qualifiers.Length];
        foreach (var index in indexes)
        {
            Evaluator.ResolveQualifier(runtime, index, context.Root, null, states, sink);
        }
        return [.. indexes.Select(i => sink.Qualifiers[i])];
    }

    /// <summary>The ids of the variables the workspace resolves, in workspace order (byte order of the ids).</summary>
    /// <exception cref="RototoException">The workspace has no runtime model (loaded with <see cref="LintMode.Skip"/>).</exception>
    public IReadOnlyList<string> VariableIds => Runtime.VariableIds;

    /// <summary>
    /// Every value a variable can resolve to (§5): the default first, then each rule's value in rule order, each value
    /// key once. The shared, immutable resolutions that <see cref="ResolveVariable"/> returns; e.g. a feature-flag bridge
    /// reads the value kind of a variable (<c>bool</c> or not) and lists its variants from them.
    /// </summary>
    /// <param name="id">Variable id.</param>
    /// <returns>The candidate resolutions, at least one.</returns>
    /// <exception cref="RototoException">Unknown variable (<c>variable not found: variable://{id}</c>), or no runtime.</exception>
    public IReadOnlyList<VariableResolution> GetVariableValues(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var variable = VariableOf(Runtime, id);
        var values = new List<VariableResolution> { variable.Default };
        foreach (var rule in variable.Rules)
        {
            if (!values.Exists(v => v.ValueKey == rule.Resolution.ValueKey))
            {
                values.Add(rule.Resolution);
            }
        }
        return values;
    }

    /// <summary>
    /// Whether the variable's value can depend on the context: true when one of its rules' qualifiers, or a qualifier
    /// those reference (<c>qualifier.&lt;id&gt;</c>), reads a context attribute (§4, §5). When false, every context
    /// that validates resolves the variable to the same value, e.g. a feature-flag bridge can answer it without
    /// building a context.
    /// </summary>
    /// <param name="id">Variable id.</param>
    /// <returns>False for a variable without rules, or whose rules read no context attribute.</returns>
    /// <exception cref="RototoException">Unknown variable (<c>variable not found: variable://{id}</c>), or no runtime.</exception>
    public bool ReadsContext(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var runtime = Runtime;
        return runtime.ReadsContext(VariableOf(runtime, id));
    }

    /// <summary>The discovered files (for CLI views).</summary>
    internal WorkspaceSnapshot Snapshot => _snapshot;

    private static List<QualifierTrace> OrderedTraces(TraceSink sink) =>
        [.. sink.Qualifiers.Values.OrderBy(t => t.Id, Json.Utf8Order.Instance)];

    private static RuntimeVariable VariableOf(RuntimeModel runtime, string id) =>
        runtime.Variables.TryGetValue(id, out var variable) ? variable : throw new RototoException(RototoErrorCode.NotFound, $"variable not found: variable://{id}");

    private static int QualifierIndex(RuntimeModel runtime, string id) =>
        runtime.QualifierIndex.TryGetValue(id, out var index) ? index : throw new RototoException(RototoErrorCode.NotFound, $"qualifier not found: qualifier://{id}");

    /// <summary>Discovers a staged workspace (within the limits it was staged with) and applies the inspection checks of §11.1 to its manifest.</summary>
    internal static WorkspaceSnapshot DiscoverChecked(StagedWorkspace staged)
    {
        var snapshot = WorkspaceDiscovery.Discover(staged.Root, staged.Options);
        if (snapshot.DiscoveryFailure is { } failure)
        {
            throw new RototoException(RototoErrorCode.Workspace, failure.Rule == "workspace-not-found" ? $"workspace not found: {failure.Message}" : failure.Message);
        }
        var manifest = snapshot.Manifest!;
        if (manifest.Text is null)
        {
            throw new RototoException(RototoErrorCode.Workspace, manifest.Error!);
        }
        if (manifest.Toml is not { } toml)
        {
            throw new RototoException(RototoErrorCode.Workspace, manifest.Error!);
        }
        if (ManifestChecks.Validate(toml) is { } problem)
        {
            throw new RototoException(RototoErrorCode.Workspace, problem);
        }
        return snapshot;
    }

    private static Task<T> Run<T>(Func<T> resolve)
    {
        try
        {
            return Task.FromResult(resolve());
        }
        catch (Exception e) when (e is RototoException or ArgumentException)
        {
            return Task.FromException<T>(e);
        }
    }
}
