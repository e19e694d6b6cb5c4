using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Rototo.Tests.Sources;

/// <summary>
/// git's smart HTTP protocol served by the real <c>git http-backend</c>, run as a CGI program per request (git's own
/// server side; see git-http-backend(1)): the request goes to its stdin and CGI variables, its headers and body back.
/// </summary>
internal static class GitHttpBackend
{
    /// <summary>Serves the bare repository <paramref name="repository"/> at <c>/{its folder name}</c> on <paramref name="server"/>.</summary>
    public static void Serve(HttpsArchiveServer server, string repository)
    {
        var root = Path.GetDirectoryName(repository)!;
        var name = "/" + Path.GetFileName(repository);
        server.Serve(name + "/info/refs", context => RunAsync(context, root));
        server.Serve(name + "/git-upload-pack", context => RunAsync(context, root));
    }

    private static async Task RunAsync(HttpContext context, string projectRoot)
    {
        var request = context.Request;
        var start = new ProcessStartInfo("git") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("http-backend");
        start.Environment["GIT_PROJECT_ROOT"] = projectRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["PATH_INFO"] = request.Path.Value;
        start.Environment["QUERY_STRING"] = request.QueryString.Value?.TrimStart('?') ?? "";
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await request.Body.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        await reading;
        await process.WaitForExitAsync();
        await errors;

        var bytes = output.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        foreach (var line in Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (header, value) = (line[..colon], line[(colon + 1)..].Trim());
            if (header.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers[header] = value;
            }
        }

        await context.Response.Body.WriteAsync(bytes.AsMemory(end + 4));
    }
}
