using CloudRuntimes.Components.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudRuntimes.Tests.Composition;

/// <summary><c>services.AddCloudRuntimes(section)</c>: options bound from configuration and checked at host start.</summary>
public sealed class CloudRuntimesOptionsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "cr-options-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCloudRuntimes(builder.Configuration.GetSection("CloudRuntimes"));
        return builder.Build();
    }

    [Fact]
    public async Task App_id_data_directory_and_resources_come_from_the_section()
    {
        var resources = Path.Combine(_data, "resources");
        Directory.CreateDirectory(resources);
        File.WriteAllText(Path.Combine(resources, "files.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: files
            spec:
              type: file.local
              version: v1
            """);
        using var host = Build(new() { ["CloudRuntimes:AppId"] = "orders", ["CloudRuntimes:DataDirectory"] = _data, ["CloudRuntimes:ResourcesPath"] = resources });

        await host.StartAsync(Token);
        var components = host.Services.GetRequiredService<ICloudRuntimesComponents>();
        await components.GetFileStore("files").PutAsync("note.txt", new MemoryStream("hi"u8.ToArray()), cancellationToken: Token);

        // file.local keeps its files under {data directory}/{component name} by default.
        Assert.True(File.Exists(Path.Combine(_data, "files", "note.txt")));
        Assert.Equal("files", Assert.Single(components.Components).Name);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Invalid_values_fail_the_start_naming_their_keys()
    {
        using var host = Build(new() { ["CloudRuntimes:AppId"] = "orders/v2", ["CloudRuntimes:DataDirectory"] = " ", ["CloudRuntimes:ResourcesPath"] = "/no/such/resources" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Equal(
            [
                "CloudRuntimes:AppId must be letters, digits, '-', '_' or '.' (starting with a letter or digit), got 'orders/v2'",
                "CloudRuntimes:DataDirectory must name a directory",
                "CloudRuntimes:ResourcesPath '/no/such/resources' is not a directory",
            ],
            error.Failures);
    }

    [Fact]
    public async Task The_app_id_given_in_code_is_checked_too()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddCloudRuntimes("", _ => { });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Equal(["CloudRuntimesOptions.AppId must be letters, digits, '-', '_' or '.' (starting with a letter or digit), got ''"], error.Failures);
    }
}
