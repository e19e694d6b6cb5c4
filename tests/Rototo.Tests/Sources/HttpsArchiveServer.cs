using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>
/// A real Kestrel HTTPS server on 127.0.0.1 (random port) with a self-signed certificate made for the test. Each
/// path answers with what <see cref="Serve"/> set for it; <see cref="SourceOptions"/> trusts exactly that certificate.
/// </summary>
internal sealed class HttpsArchiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly Dictionary<string, Func<HttpContext, Task>> _routes = [];
    private readonly Lock _lock = new();

    private HttpsArchiveServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Requests seen, as "METHOD path authorization".</summary>
    public List<string> Requests { get; } = [];

    public static async Task<HttpsArchiveServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new HttpsArchiveServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.Single();
        return server;
    }

    /// <summary>Options whose HTTP handler trusts this server's certificate (and nothing else self-signed).</summary>
    public WorkspaceSourceOptions SourceOptions(string? token = null) => new()
    {
        WorkspaceToken = token,
        CreateHttpHandler = () => new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == _certificate.Thumbprint },
        },
    };

    public string Url(string path) => BaseUrl + path;

    /// <summary>The certificate in PEM, for processes that trust it through <c>SSL_CERT_FILE</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    public void Serve(string path, Func<HttpContext, Task> handler)
    {
        lock (_lock)
        {
            _routes[path] = handler;
        }
    }

    /// <summary>Serves bytes with optional ETag / Last-Modified validators.</summary>
    public void ServeBytes(string path, byte[] bytes, string? etag = null, string? lastModified = null, string? requireToken = null) => Serve(path, async context =>
    {
        if (requireToken is not null && context.Request.Headers.Authorization != $"Bearer {requireToken}")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("token required");
            return;
        }
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }
        if (lastModified is not null)
        {
            context.Response.Headers.LastModified = lastModified;
        }
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes);
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private Task HandleAsync(HttpContext context)
    {
        Func<HttpContext, Task>? handler;
        lock (_lock)
        {
            Requests.Add($"{context.Request.Method} {context.Request.Path} {context.Request.Headers.Authorization}".TrimEnd());
            _routes.TryGetValue(context.Request.Path.Value ?? "", out handler);
        }
        if (handler is null)
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }
        return handler(context);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the private key in a form it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
