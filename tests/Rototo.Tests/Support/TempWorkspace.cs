namespace Rototo.Tests.Support;

/// <summary>A throw-away workspace directory written file by file (rototo's "inline workspaces"); deleted on dispose.</summary>
internal sealed class TempWorkspace : IDisposable
{
    /// <summary>Creates an empty directory with <c>rototo-workspace.toml</c> = <c>schema_version = 1</c>.</summary>
    public TempWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "rototo-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Write("rototo-workspace.toml", "schema_version = 1\n");
    }

    /// <summary>The workspace directory.</summary>
    public string Root { get; }

    /// <summary>Writes a file, creating its folders.</summary>
    /// <param name="relativePath">Path inside the workspace, with <c>/</c> separators.</param>
    /// <param name="text">File content.</param>
    /// <returns>This workspace.</returns>
    public TempWorkspace Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    /// <summary>Writes <c>qualifiers/{id}.toml</c> with one predicate per (attribute, op, value TOML) triple.</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="predicates">Each predicate's attribute, operator and value written as TOML.</param>
    /// <returns>This workspace.</returns>
    public TempWorkspace Qualifier(string id, params (string Attribute, string Op, string ValueToml)[] predicates)
    {
        var text = "schema_version = 1\n" + string.Concat(predicates.Select(p => $"\n[[predicate]]\nattribute = \"{p.Attribute}\"\nop = \"{p.Op}\"\nvalue = {p.ValueToml}\n"));
        return Write($"qualifiers/{id}.toml", text);
    }

    /// <summary>
    /// Writes <c>variables/v{0000}.toml</c> … : <paramref name="variables"/> int variables of <paramref name="values"/> values
    /// (<c>value-000 = 0</c> …, one a line from line 5), only <c>value-000</c> used (the default): each variable raises
    /// <c>values - 1</c> <c>rototo/variable-value-unused</c> warnings and nothing else.
    /// </summary>
    /// <returns>This workspace.</returns>
    public TempWorkspace VariablesWithUnusedValues(int variables, int values)
    {
        for (var v = 0; v < variables; v++)
        {
            var text = new System.Text.StringBuilder("schema_version = 1\ntype = \"int\"\n\n[values]\n");
            for (var i = 0; i < values; i++)
            {
                text.Append($"value-{i:D3} = {i}\n");
            }
            text.Append("\n[resolve]\ndefault = \"value-000\"\n");
            Write($"variables/v{v:D4}.toml", text.ToString());
        }
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
