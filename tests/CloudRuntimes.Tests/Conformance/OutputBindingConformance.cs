using System.Text;
using CloudRuntimes.Bindings;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The output binding conformance suite for storage-like bindings (Dapr <c>tests/conformance/bindings</c>,
/// BI-02 and BI-04 … BI-07): operations advertised, create, get byte-exact, list, delete then get without data.
/// </summary>
public abstract class OutputBindingConformance : ComponentConformance<IOutputBinding>
{
    /// <inheritdoc />
    protected override IOutputBinding Resolve(CloudRuntimesComponents components, string name) => components.GetOutputBinding(name);

    private IOutputBinding Binding => Component;

    private static Dictionary<string, string> FileName(string name) => new() { ["fileName"] = name };

    [Fact]
    public void Binding_advertises_create_get_list_and_delete()
    {
        Assert.Superset(new HashSet<string> { "create", "get", "list", "delete" }, Binding.Operations.ToHashSet());
    }

    [Fact]
    public async Task Created_data_is_read_back_byte_exact_and_gone_after_delete()
    {
        var data = Encoding.UTF8.GetBytes("[{\"specversion\":\"1.0\",\"id\":\"1\"}]");

        await Binding.InvokeAsync(new BindingRequest("create", data, FileName("event.json")));
        var got = await Binding.InvokeAsync(new BindingRequest("get", ReadOnlyMemory<byte>.Empty, FileName("event.json")));
        var list = await Binding.InvokeAsync(new BindingRequest("list", ReadOnlyMemory<byte>.Empty));
        await Binding.InvokeAsync(new BindingRequest("delete", ReadOnlyMemory<byte>.Empty, FileName("event.json")));
        var afterDelete = await Binding.InvokeAsync(new BindingRequest("get", ReadOnlyMemory<byte>.Empty, FileName("event.json")));

        Assert.Equal(data, got.Data!.Value.ToArray());
        Assert.Contains("event.json", Encoding.UTF8.GetString(list.Data!.Value.Span), StringComparison.Ordinal);
        Assert.Null(afterDelete.Data);
    }

    [Fact]
    public async Task Unknown_operation_is_not_supported()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Binding.InvokeAsync(new BindingRequest("explode", ReadOnlyMemory<byte>.Empty)));

        Assert.Equal(CloudRuntimesErrors.NotSupported.Code, error.ErrorCode);
    }
}
