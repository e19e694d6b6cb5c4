using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Rototo.Discovery;

namespace Rototo.Sources;

/// <summary>Stages and probes <c>https://</c> archive sources (§12.3, §14.2).</summary>
internal static class ArchiveSource
{
    private const int MaxRedirects = 10;
    private const int ErrorBodyPreviewBytes = 4096;

    private static readonly HttpMessageInvoker SharedInvoker = new(NewHandler(null), disposeHandler: false);

    /// <summary>Downloads and unpacks the archive; its content counts against <paramref name="budget"/>.</summary>
    public static async Task<StagedWorkspace> StageAsync(WorkspaceSource source, WorkspaceSourceOptions options, StagingBudget budget, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HttpTimeout);
        var directory = TemporaryDirectory.Create("archive");
        try
        {
            var archive = Path.Combine(directory.Path, "workspace.archive");
            SourceFingerprint fingerprint;
            try
            {
                using var response = await SendAsync(HttpMethod.Get, source, options, "fetch", timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var preview = await PreviewAsync(response, timeout.Token).ConfigureAwait(false);
                    throw Error($"failed to fetch workspace archive: HTTP {Status(response)}{(preview.Length == 0 ? "" : ": " + preview)}");
                }
                if (response.Content.Headers.ContentLength is { } length && length > options.MaxArchiveBytes)
                {
                    throw Error($"workspace archive is too large: {length} bytes exceeds limit of {options.MaxArchiveBytes} bytes");
                }
                var validator = Validator(response);
                await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false))
                await using (var file = File.Create(archive))
                {
                    await BoundedCopy.CopyAsync(body, file, options.MaxArchiveBytes,
                        () => Error($"workspace archive is too large: exceeded limit of {options.MaxArchiveBytes} bytes"), timeout.Token).ConfigureAwait(false);
                }
                fingerprint = validator ?? await ContentHashAsync(archive, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Error($"failed to fetch workspace archive: timed out after {options.HttpTimeout.TotalSeconds:0.###} s");
            }
            catch (HttpRequestException e)
            {
                throw Error($"failed to fetch workspace archive: {e.Message}");
            }

            var extracted = Path.Combine(directory.Path, "extract");
            ArchiveExtractor.Extract(archive, extracted, budget.For("archive"), source.Original);
            File.Delete(archive);
            var root = source.Subdirectory is { } subdirectory
                ? SelectSubdirectory(extracted, subdirectory, source.Original)
                : InferRoot(extracted, source.Original);
            return new StagedWorkspace(source, root, Immutable: false) { Fingerprint = fingerprint, Owned = [directory] };
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>A <c>HEAD</c> request: the validator compared with <paramref name="previous"/>, or unknown when the server sends none.</summary>
    public static async Task<SourceProbe> ProbeAsync(WorkspaceSource source, SourceFingerprint? previous, WorkspaceSourceOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HttpTimeout);
        try
        {
            using var response = await SendAsync(HttpMethod.Head, source, options, "check", timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Error($"failed to check workspace archive: HTTP {Status(response)}");
            }
            if (Validator(response) is not { } fingerprint)
            {
                return SourceProbe.Unknown;
            }
            return fingerprint.Equals(previous) ? SourceProbe.Unchanged : SourceProbe.Changed(fingerprint);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Error($"failed to check workspace archive: timed out after {options.HttpTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            throw Error($"failed to check workspace archive: {e.Message}");
        }
    }

    /// <summary>The validator fingerprint of a response: <c>etag:{ETag}</c>, else <c>last-modified:{Last-Modified}</c>, else null.</summary>
    internal static SourceFingerprint? Validator(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("ETag", out var etags))
        {
            return SourceFingerprint.HttpValidator($"etag:{etags.First()}");
        }
        return response.Content.Headers.TryGetValues("Last-Modified", out var modified)
            ? SourceFingerprint.HttpValidator($"last-modified:{modified.First()}")
            : null;
    }

    /// <summary><c>sha256:{lowercase hex}</c> of a file's bytes.</summary>
    internal static async Task<SourceFingerprint> ContentHashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return SourceFingerprint.ContentHash("sha256:" + Convert.ToHexStringLower(hash));
    }

    /// <summary>Sends the request and follows up to 10 redirects itself, refusing any that leave https (§12.3).</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpMethod method, WorkspaceSource source, WorkspaceSourceOptions options, string verb, CancellationToken cancellationToken)
    {
        var invoker = options.CreateHttpHandler is { } create ? new HttpMessageInvoker(NewHandler(create)) : SharedInvoker;
        try
        {
            var origin = new Uri(source.Location);
            var uri = origin;
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(method, uri);
                request.Headers.UserAgent.ParseAdd("rototo-dotnet/0.1");
                // The token goes only to the source's own host, never to a host a redirect points at.
                if (options.WorkspaceToken is { } token && uri.Authority == origin.Authority)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
                {
                    return response;
                }
                response.Dispose();
                if (redirects == MaxRedirects)
                {
                    throw Error($"failed to {verb} workspace archive: too many redirects");
                }
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (uri.Scheme != Uri.UriSchemeHttps)
                {
                    throw Error("workspace archive redirects must stay on https");
                }
            }
        }
        finally
        {
            if (!ReferenceEquals(invoker, SharedInvoker))
            {
                invoker.Dispose();
            }
        }
    }

    private static HttpMessageHandler NewHandler(Func<HttpMessageHandler>? create)
    {
        var handler = create?.Invoke() ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler client:
                client.AllowAutoRedirect = false;
                break;
        }
        return handler;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string Status(HttpResponseMessage response) => $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();

    private static async Task<string> PreviewAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[ErrorBodyPreviewBytes];
        var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim();
    }

    /// <summary>No <c>#:subdir</c>: the extraction root when it holds the manifest, else its single directory when that does.</summary>
    private static string InferRoot(string extracted, string original)
    {
        if (File.Exists(Path.Combine(extracted, WorkspaceSnapshot.ManifestFileName)))
        {
            return PathResolution.Canonicalize(extracted);
        }
        if (SingleDirectory(extracted) is { } single && File.Exists(Path.Combine(single, WorkspaceSnapshot.ManifestFileName)))
        {
            return PathResolution.Canonicalize(single);
        }
        throw Error($"workspace archive from `{original}` does not contain a clear workspace root; use #:subdir");
    }

    /// <summary><c>#:subdir</c> below the extraction root, or below its single top-level directory (archives made with a wrapper folder).</summary>
    private static string SelectSubdirectory(string extracted, string subdirectory, string original)
    {
        try
        {
            return SourcePaths.SelectSubdirectory(extracted, subdirectory, original);
        }
        catch (RototoException) when (SourcePaths.IsSafeRelative(subdirectory) && SingleDirectory(extracted) is { } wrapper
            && Directory.Exists(Path.Combine(wrapper, subdirectory)))
        {
            return SourcePaths.SelectSubdirectory(wrapper, subdirectory, original);
        }
    }

    private static string? SingleDirectory(string directory)
    {
        var directories = Directory.GetDirectories(directory);
        return directories.Length == 1 ? directories[0] : null;
    }

    private static RototoException Error(string message) => new(RototoErrorCode.Source, message);
}
