using System.Security.Cryptography;
using System.Text;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>
/// The shared secret of runtime-to-runtime calls (<c>spec.nameResolution.sharedSecret</c>): a runtime calling another
/// sends it in <see cref="Header"/>; the routes under <see cref="Prefix"/> answer only requests carrying it (compared in
/// constant time), in place of the API token. It is never forwarded to an app.
/// </summary>
internal sealed class PeerAuthentication(string secret)
{
    /// <summary>The header that carries the secret.</summary>
    public const string Header = "cloud-runtimes-peer-secret";

    /// <summary>The path prefix of the runtime-to-runtime routes.</summary>
    public const string Prefix = "/v1.0-internal";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The secret, to send.</summary>
    public string Secret { get; } = secret;

    /// <summary>True when <paramref name="presented"/> is the secret.</summary>
    public bool Accepts(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash);
}
