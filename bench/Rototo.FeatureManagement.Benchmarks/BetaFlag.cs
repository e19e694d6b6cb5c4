namespace Rototo.FeatureManagement.Benchmarks;

/// <summary>
/// One flag written twice. Microsoft.FeatureManagement's targeting filter: users <c>alice</c> and <c>bob</c>, group
/// <c>beta-testers</c> at 100 %, everyone else at 20 % by a hash of the user id. Rototo: a bool variable whose rules are
/// the same three audiences (an <c>in</c> over the two users, an <c>eq</c> on the group, a <c>bucket</c> of 2,000 in
/// 10,000 on the user id). The user measured belongs to neither list, so both engines reach the percentage rollout.
/// Beside it, a flag that is on for everyone in each: <c>AlwaysOn</c> without a filter, <c>always-on</c> a bool variable
/// without rules.
/// </summary>
internal static class BetaFlag
{
    public const string FeatureManagementName = "Beta";

    /// <summary>A flag that is simply on (no filter): what <c>IFeatureManager</c> costs by itself.</summary>
    public const string AlwaysOnName = "AlwaysOn";

    /// <summary>A flag whose one filter answers true at once: what <c>IFeatureManager</c> costs for any filter.</summary>
    public const string TrueFilterName = "TrueFilter";

    public const string RototoName = "beta";

    /// <summary>A bool variable without rules, on: a flag that reads no context.</summary>
    public const string RototoAlwaysOnName = "always-on";

    public const string UserId = "user-123";

    public const string Group = "free";

    /// <summary>The targeting flag in Microsoft.FeatureManagement's configuration schema.</summary>
    public static Dictionary<string, string?> TargetingConfiguration => new()
    {
        ["feature_management:feature_flags:0:id"] = FeatureManagementName,
        ["feature_management:feature_flags:0:enabled"] = "true",
        ["feature_management:feature_flags:0:conditions:client_filters:0:name"] = "Microsoft.Targeting",
        ["feature_management:feature_flags:0:conditions:client_filters:0:parameters:Audience:Users:0"] = "alice",
        ["feature_management:feature_flags:0:conditions:client_filters:0:parameters:Audience:Users:1"] = "bob",
        ["feature_management:feature_flags:0:conditions:client_filters:0:parameters:Audience:Groups:0:Name"] = "beta-testers",
        ["feature_management:feature_flags:0:conditions:client_filters:0:parameters:Audience:Groups:0:RolloutPercentage"] = "100",
        ["feature_management:feature_flags:0:conditions:client_filters:0:parameters:Audience:DefaultRolloutPercentage"] = "20",
        ["feature_management:feature_flags:1:id"] = AlwaysOnName,
        ["feature_management:feature_flags:1:enabled"] = "true",
        ["feature_management:feature_flags:2:id"] = TrueFilterName,
        ["feature_management:feature_flags:2:enabled"] = "true",
        ["feature_management:feature_flags:2:conditions:client_filters:0:name"] = TrueFilter.Alias,
    };

    /// <summary>Writes the rototo workspace into a new temporary folder; returns its path.</summary>
    public static string WriteWorkspace()
    {
        var root = Path.Combine(Path.GetTempPath(), "rototo-fm-bench-" + Guid.NewGuid().ToString("N"));
        Write(root, "rototo-workspace.toml", "schema_version = 1\n");
        Write(root, "schemas/context.schema.json", """
            {"type": "object", "properties": {"user": {"type": "object", "properties": {"id": {"type": "string"}, "group": {"type": "string"}}}}}
            """);
        Write(root, "qualifiers/named-users.toml", "schema_version = 1\n[[predicate]]\nattribute = \"user.id\"\nop = \"in\"\nvalue = [\"alice\", \"bob\"]\n");
        Write(root, "qualifiers/beta-testers.toml", "schema_version = 1\n[[predicate]]\nattribute = \"user.group\"\nop = \"eq\"\nvalue = \"beta-testers\"\n");
        Write(root, "qualifiers/rollout-20.toml", "schema_version = 1\n[[predicate]]\nattribute = \"user.id\"\nop = \"bucket\"\nsalt = \"beta\"\nrange = [0, 2000]\n");
        Write(root, "variables/always-on.toml", "schema_version = 1\ntype = \"bool\"\n\n[values]\non = true\noff = false\n\n[resolve]\ndefault = \"on\"\n");
        Write(root, "variables/beta.toml", """
            schema_version = 1
            type = "bool"

            [values]
            on = true
            off = false

            [resolve]
            default = "off"

            [[resolve.rule]]
            qualifier = "named-users"
            value = "on"

            [[resolve.rule]]
            qualifier = "beta-testers"
            value = "on"

            [[resolve.rule]]
            qualifier = "rollout-20"
            value = "on"
            """);
        return root;
    }

    private static void Write(string root, string path, string text)
    {
        var file = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }
}
