namespace CookieSession.Formats.Iron;

/// <summary>
/// The iron-session passwords in force, replaced whole when the configuration reloads: a seal or an unseal reads
/// <see cref="Current"/> once and uses that set, and its keys, from start to end.
/// </summary>
internal sealed class IronPasswordRing
{
    private IronPasswords _current;

    public IronPasswordRing(IReadOnlyDictionary<int, string> passwords) => _current = new IronPasswords(passwords);

    /// <summary>
    /// The passwords in force, also the identity of what was verified under them (the cache of verified values): keys
    /// derived from a password that was removed or changed are never used again.
    /// </summary>
    public IronPasswords Current => Volatile.Read(ref _current);

    /// <summary>Puts <paramref name="passwords"/> in force from the next seal or unseal on.</summary>
    public void Replace(IReadOnlyDictionary<int, string> passwords) => Volatile.Write(ref _current, new IronPasswords(passwords));
}
