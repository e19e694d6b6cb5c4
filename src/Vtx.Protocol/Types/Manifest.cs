namespace Vtx.Protocol;

/// <summary>WIT <c>types.manifest</c>: identity and route of a plugin.</summary>
/// <param name="Id">Plugin id, the key of its migrations, resources and installation.</param>
/// <param name="Name">Display name.</param>
/// <param name="Version">Plugin version (free text; not validated).</param>
/// <param name="Description">Display description.</param>
/// <param name="Entrypoint">URL path prefix the plugin serves, e.g. <c>/notes</c>.</param>
public sealed record Manifest(string Id, string Name, string Version, string Description, string Entrypoint);
