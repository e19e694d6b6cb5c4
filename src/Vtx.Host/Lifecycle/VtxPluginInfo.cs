using System.Text.Json;
using Vtx.Host.Packaging;
using Vtx.Protocol;

namespace Vtx.Host.Lifecycle;

/// <summary>A loaded plugin as the host sees it.</summary>
/// <param name="Manifest">What <c>get-manifest</c> returned at load time.</param>
/// <param name="Source">The file it was loaded from, or the name given to an in-process plugin.</param>
/// <param name="Format">How the file was packaged; <see langword="null"/> for an in-process .NET plugin.</param>
/// <param name="Resources">Table names from <c>get-resources</c>.</param>
/// <param name="SchemaVersion">Number of migrations applied in the database after loading.</param>
/// <param name="MigrationsApplied">How many of them ran during this load.</param>
/// <param name="Metadata">The <c>.vtx</c> v2 metadata object (author, version, sdk_version, …), else <see langword="null"/>.</param>
public sealed record VtxPluginInfo(
    Manifest Manifest,
    string Source,
    PluginPackageFormat? Format,
    IReadOnlyList<string> Resources,
    int SchemaVersion,
    int MigrationsApplied,
    JsonElement? Metadata);

/// <summary>The outcome of loading a folder of plugins: what loaded and what failed, file by file.</summary>
/// <param name="Loaded">Plugins now loaded, in load order.</param>
/// <param name="Failed">Files that failed, each with its error.</param>
public sealed record VtxLoadReport(IReadOnlyList<VtxPluginInfo> Loaded, IReadOnlyList<VtxPluginException> Failed);

/// <summary>
/// The host's answer to one HTTP request. <see cref="Body"/> is owned by the caller, who disposes it.
/// </summary>
/// <param name="Status">HTTP status: the plugin's, 404 when no plugin matches, 500 when the plugin failed.</param>
/// <param name="Body">The body; serve it with <see cref="VtxBuffer.ContentType"/>. <see langword="null"/> for status-only answers.</param>
/// <param name="PluginId">The plugin that answered, or <see langword="null"/> when none matched.</param>
/// <param name="Error">A short message for host-made errors (no route, plugin failure), else <see langword="null"/>.</param>
public sealed record VtxHttpResult(int Status, VtxBuffer? Body, string? PluginId, string? Error);

/// <summary>The outcome of the <c>authenticate</c> chain.</summary>
/// <param name="User">The identity when a plugin accepted, else <see langword="null"/>.</param>
/// <param name="Status">200 when accepted, else the HTTP status to answer (401 when nobody accepted).</param>
/// <param name="PluginId">The plugin that decided, or <see langword="null"/> when every plugin passed.</param>
public sealed record VtxAuthResult(UserContext? User, int Status, string? PluginId);
