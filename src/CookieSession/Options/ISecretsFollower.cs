namespace CookieSession.Options;

/// <summary>Something keyed by the secrets that takes the secrets of every valid reload (<see cref="SecretsReload.Follow{T}"/>).</summary>
internal interface ISecretsFollower
{
    /// <summary>
    /// Puts <paramref name="secrets"/> (newest first, at least one) in force from the next signature or check on: the
    /// first signs, every one verifies, and a secret no longer listed verifies nothing. Called off the request path.
    /// </summary>
    void Replace(IReadOnlyList<string> secrets);
}
