namespace CookieSession.Formats.Iron;

/// <summary>
/// iron-session's numbered passwords: the highest id seals, the id written in a seal picks the password that opens
/// it. A plain password is id 1, as iron-session treats a string password. Never changed: a reload puts a new set in
/// force (<see cref="IronPasswordRing"/>), with keys derived afresh.
/// </summary>
internal sealed class IronPasswords
{
    private readonly Dictionary<int, byte[]> _passwords;

    public IronPasswords(IReadOnlyDictionary<int, string> passwords)
    {
        _passwords = passwords.ToDictionary(p => p.Key, p => System.Text.Encoding.UTF8.GetBytes(p.Value));
        CurrentId = passwords.Keys.Max();
        CurrentIdText = CurrentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Current = _passwords[CurrentId];
        Keys = new IronKeys(this);
    }

    /// <summary>The keys derived from these passwords, kept for the salts that seal and the seals that verified.</summary>
    public IronKeys Keys { get; }

    /// <summary>Every password's id.</summary>
    public IEnumerable<int> Ids => _passwords.Keys;

    /// <summary>The id that seals: the highest.</summary>
    public int CurrentId { get; }

    /// <summary>The id as a seal writes it.</summary>
    public string CurrentIdText { get; }

    /// <summary>The UTF-8 bytes of the password that seals.</summary>
    public byte[] Current { get; }

    /// <summary>The UTF-8 bytes of the password numbered <paramref name="id"/>, one of <see cref="Ids"/>.</summary>
    public byte[] PasswordOf(int id) => _passwords[id];

    /// <summary>The password a seal names by its id (digits only, as iron-session 9 requires), if there is one.</summary>
    public bool TryGet(ReadOnlySpan<char> id, out int number, out byte[]? password)
    {
        password = null;
        number = 0;
        // As iron-webcrypto looks ids up, by their text: "01" is not "1".
        if (id.IsEmpty || id.Length > 10 || id.ContainsAnyExceptInRange('0', '9') || (id[0] == '0' && id.Length > 1)
            || !int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        return _passwords.TryGetValue(number, out password);
    }
}
