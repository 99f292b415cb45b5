using CookieSession.Formats;
using CookieSession.Formats.Iron;

namespace CookieSession.Tests.Formats.Iron;

/// <summary>iron-session's passwords replaced while the format runs, as a configuration reload replaces them.</summary>
public sealed class IronPasswordRingTests
{
    private const string Old = "the old password, thirty-two characters or more";
    private const string New = "the new password, thirty-two characters or more";

    private static string Seal(IronPasswords passwords) => IronSeal.Seal("{\"a\":1}"u8, passwords.Keys, passwords.CurrentIdText, null);

    private static SessionCookieRejection Unseal(IronPasswordRing ring, string seal, out bool older)
    {
        var passwords = ring.Current;
        var rejection = IronSeal.TryUnseal(seal, passwords, passwords.Keys, DateTimeOffset.UtcNow, out var json, out _, out older);
        if (json is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(json);
        }

        return rejection;
    }

    [Fact]
    public void Replace_NewHighestId_Seals_AndTheOldIdStillOpens()
    {
        var ring = new IronPasswordRing(new Dictionary<int, string> { [1] = Old });
        var old = Seal(ring.Current);

        ring.Replace(new Dictionary<int, string> { [1] = Old, [2] = New });

        Assert.Equal("2", Seal(ring.Current).Split('*')[1]);
        Assert.Equal(SessionCookieRejection.None, Unseal(ring, old, out var older));
        Assert.True(older);
    }

    [Fact]
    public void Replace_IdRemoved_ItsSealsAreRefused()
    {
        var ring = new IronPasswordRing(new Dictionary<int, string> { [1] = Old, [2] = New });
        var sealedWithOne = IronSeal.Seal("{\"a\":1}"u8, System.Text.Encoding.UTF8.GetBytes(Old), "1", null);
        Assert.Equal(SessionCookieRejection.None, Unseal(ring, sealedWithOne, out _));

        ring.Replace(new Dictionary<int, string> { [2] = New });

        Assert.Equal(SessionCookieRejection.UnknownPassword, Unseal(ring, sealedWithOne, out _));
    }

    [Fact]
    public void Replace_SameIdNewPassword_SealsUnderTheOldOneAreRefused_ThoughTheirKeysWereKept()
    {
        var ring = new IronPasswordRing(new Dictionary<int, string> { [1] = Old });
        var old = Seal(ring.Current);
        Assert.Equal(SessionCookieRejection.None, Unseal(ring, old, out _));

        ring.Replace(new Dictionary<int, string> { [1] = New });

        Assert.Equal(SessionCookieRejection.BadSignature, Unseal(ring, old, out _));
        Assert.Equal(SessionCookieRejection.None, Unseal(ring, Seal(ring.Current), out _));
    }

    [Fact]
    public void Current_IsTheSameSetUntilReplaced()
    {
        var ring = new IronPasswordRing(new Dictionary<int, string> { [1] = Old });
        var first = ring.Current;
        Assert.Same(first, ring.Current);

        ring.Replace(new Dictionary<int, string> { [1] = Old });

        Assert.NotSame(first, ring.Current);
    }
}
