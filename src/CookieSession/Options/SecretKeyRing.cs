namespace CookieSession.Options;

/// <summary>
/// The keys a format derives from the secrets, as one immutable snapshot swapped whole when the secrets reload: a
/// signature or a check reads <see cref="Current"/> once and uses that snapshot from start to end. The keys are
/// derived when the snapshot is made (at start, and on the thread that reloads), never on the request path.
/// </summary>
/// <typeparam name="TKeys">The format's keys of one list of secrets, never changed once made.</typeparam>
internal sealed class SecretKeyRing<TKeys> : ISecretsFollower
    where TKeys : class
{
    private readonly Func<IReadOnlyList<string>, TKeys> _derive;
    private TKeys _current;

    /// <param name="secrets">The secrets in force at start, newest first.</param>
    /// <param name="derive">Derives the keys of a list of secrets; throws for an empty list.</param>
    public SecretKeyRing(IReadOnlyList<string> secrets, Func<IReadOnlyList<string>, TKeys> derive)
    {
        _derive = derive;
        _current = derive(secrets);
    }

    /// <summary>
    /// The keys in force, also the identity of what was verified under them (the cache of verified values): a value
    /// verified by a secret that was removed since is checked again, and refused.
    /// </summary>
    public TKeys Current => Volatile.Read(ref _current);

    public void Replace(IReadOnlyList<string> secrets) => Volatile.Write(ref _current, _derive(secrets));
}
