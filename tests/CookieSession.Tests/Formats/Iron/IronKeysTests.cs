using System.Text;
using CookieSession.Formats;
using CookieSession.Formats.Iron;

namespace CookieSession.Tests.Formats.Iron;

public sealed class IronKeysTests
{
    private const string Password = "a password of at least thirty-two characters";

    [Fact]
    public void Seal_Consecutive_ShareSaltsButNotIvs()
    {
        var passwords = Passwords();
        var keys = new IronKeys(passwords);

        var first = IronSeal.Seal("{\"a\":1}"u8, keys, passwords.CurrentIdText, null).Split('*');
        var second = IronSeal.Seal("{\"a\":1}"u8, keys, passwords.CurrentIdText, null).Split('*');

        Assert.Equal(first[2], second[2]);
        Assert.Equal(first[6], second[6]);
        Assert.NotEqual(first[2], first[6]);
        Assert.NotEqual(first[3], second[3]);
        Assert.NotEqual(first[4], second[4]);
        Assert.Equal(64, first[2].Length);
        Assert.Matches("^[0-9a-f]{64}$", first[6]);
    }

    [Fact]
    public void Seal_AfterSealsPerSalt_DrawsNewSalts()
    {
        var passwords = Passwords();
        var keys = new IronKeys(passwords);
        var firstSalts = keys.ForSealing();
        for (var i = 1; i < IronKeys.SealsPerSalt; i++)
        {
            Assert.Same(firstSalts, keys.ForSealing());
        }

        var next = keys.ForSealing();

        Assert.NotSame(firstSalts, next);
        Assert.NotEqual(firstSalts.EncryptionSalt, next.EncryptionSalt);
        Assert.NotEqual(firstSalts.HmacSalt, next.HmacSalt);
    }

    [Fact]
    public void Seal_WithSharedSalts_OpensWithAFreshReaderAsNodeWould()
    {
        // A reader that has derived nothing yet (another server, or Node) derives the keys from the salts in the seal.
        var passwords = Passwords();
        var seal = IronSeal.Seal("{\"a\":1}"u8, new IronKeys(passwords), passwords.CurrentIdText, null);

        var rejection = IronSeal.TryUnseal(seal, passwords, new IronKeys(passwords), DateTimeOffset.UtcNow, out var json, out var length, out _);

        Assert.Equal(SessionCookieRejection.None, rejection);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(json!, 0, length));
    }

    [Fact]
    public void TryUnseal_BadMac_KeepsNoKeyForItsSalt()
    {
        var passwords = Passwords();
        var keys = new IronKeys(passwords);
        var parts = IronSeal.Seal("{\"a\":1}"u8, Encoding.UTF8.GetBytes(Password), "1", null).Split('*');
        parts[7] = new string('A', 43);
        var forged = string.Join('*', parts);

        var rejection = IronSeal.TryUnseal(forged, passwords, keys, DateTimeOffset.UtcNow, out _, out _, out _);

        Assert.Equal(SessionCookieRejection.BadSignature, rejection);
        Assert.Equal(0, keys.KeptCount(1));
    }

    [Fact]
    public void TryUnseal_Verified_KeepsBothSaltsKeys()
    {
        var passwords = Passwords();
        var keys = new IronKeys(passwords);
        var seal = IronSeal.Seal("{\"a\":1}"u8, Encoding.UTF8.GetBytes(Password), "1", null);

        Assert.Equal(SessionCookieRejection.None, IronSeal.TryUnseal(seal, passwords, keys, DateTimeOffset.UtcNow, out _, out _, out _));

        Assert.Equal(2, keys.KeptCount(1));
    }

    private static IronPasswords Passwords() => new(new Dictionary<int, string> { [1] = Password });
}
